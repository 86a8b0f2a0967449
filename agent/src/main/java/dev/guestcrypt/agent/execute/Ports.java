package dev.guestcrypt.agent.execute;

import dev.guestcrypt.agent.keys.PassphraseGenerator;

import java.util.Objects;

/** Everything an operation needs from the outside world, as interfaces (fakes in tests, adapters in production). */
public record Ports(KeyStores keys, PassphraseGenerator passphrases, VolumeCrypto crypto, FilesystemTool filesystem,
                    Mounter mounter, BootConfig boot, String machineName, DevicePaths devicePaths, String headerDirectory) {
    /** Without detached-header support details: device paths taken as they are, headers in the default folder. */
    public Ports(KeyStores keys, PassphraseGenerator passphrases, VolumeCrypto crypto, FilesystemTool filesystem, Mounter mounter,
                 BootConfig boot, String machineName) {
        this(keys, passphrases, crypto, filesystem, mounter, boot, machineName, path -> path, "/var/lib/guestcrypt/headers");
    }

    public Ports {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(passphrases, "passphrases");
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(filesystem, "filesystem");
        Objects.requireNonNull(mounter, "mounter");
        Objects.requireNonNull(boot, "boot");
        Objects.requireNonNull(machineName, "machineName");
        Objects.requireNonNull(devicePaths, "devicePaths");
        Objects.requireNonNull(headerDirectory, "headerDirectory");
    }
}
