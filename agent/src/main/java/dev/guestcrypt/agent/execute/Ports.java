package dev.guestcrypt.agent.execute;

import dev.guestcrypt.agent.keys.PassphraseGenerator;

import java.util.Objects;

/** Everything an operation needs from the outside world, as interfaces (fakes in tests, adapters in production). */
public record Ports(KeyStores keys, PassphraseGenerator passphrases, VolumeCrypto crypto, FilesystemTool filesystem,
                    Mounter mounter, BootConfig boot, String machineName) {
    public Ports {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(passphrases, "passphrases");
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(filesystem, "filesystem");
        Objects.requireNonNull(mounter, "mounter");
        Objects.requireNonNull(boot, "boot");
        Objects.requireNonNull(machineName, "machineName");
    }
}
