package dev.guestcrypt.agent.keys.keyvault;

import dev.guestcrypt.agent.keys.KeyProtector;
import dev.guestcrypt.agent.keys.VolumeIdentity;
import dev.guestcrypt.agent.keys.VolumeType;
import dev.guestcrypt.testkit.kv.KvEmulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One emulator per test JVM: its IMDS port is fixed by the build (the managed-identity client
 * reads it from the environment at start), and the SDK caches auth challenges per host:port.
 */
final class EmulatorFixture {
    static final String VAULT = "gc-kv1";
    static final String VAULT_HOST = "gc-kv1.vault.azure.net";
    static final String KEK_VAULT_HOST = "gc-kek1.vault.azure.net";
    private static KvEmulator emulator;
    private static Path caPem;

    private EmulatorFixture() {}

    static synchronized KvEmulator emulator() {
        if (emulator == null) {
            String port = System.getProperty("kv.imds.port");
            if (port == null) {
                throw new IllegalStateException("run through Maven: the kv.imds.port property and IMDS environment are missing");
            }
            emulator = KvEmulator.builder().tokenPort(Integer.parseInt(port)).start();
            try {
                caPem = Files.createTempFile("kv-emulator-ca", ".pem");
                emulator.ca().writeCaPem(caPem);
                caPem.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return emulator;
    }

    static Path caPem() {
        emulator();
        return caPem;
    }

    static String vaultUrl(String host) {
        return "https://" + host + ":" + emulator().vaultPort();
    }

    /** Options for the system identity against {@code host}, trusting the emulator CA, with quick retries. */
    static KeyVaultProtectorOptions options(String host) {
        return KeyVaultProtectorOptions.of(vaultUrl(host), new KeyVaultCredential.SystemAssignedIdentity())
                .withTrustedCaPem(caPem()).withAuthorityHost(emulator().authorityHost())
                .withTimeouts(Duration.ofSeconds(5), 2, Duration.ofSeconds(1));
    }

    static KeyProtector protector(KeyVaultProtectorOptions options) {
        return KeyVaultProtectors.create(options);
    }

    static VolumeIdentity volume() {
        return VolumeIdentity.of("0b7c9a52-8f6e-4d0e-9f0a-1d2c3b4a5e6f", "/dev/disk/azure/scsi1/lun0", VolumeType.DATA, "vm-test-01");
    }
}
