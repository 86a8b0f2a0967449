package dev.guestcrypt.agent.keys.local;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.keys.KeyTokenCodec;
import dev.guestcrypt.agent.keys.KeyTokenError;
import dev.guestcrypt.agent.keys.LocalKeyFileToken;
import dev.guestcrypt.agent.keys.PassphraseGenerator;
import dev.guestcrypt.agent.keys.VolumeIdentity;
import dev.guestcrypt.agent.keys.VolumeType;
import dev.guestcrypt.nativebind.secret.SecretBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalKeyFileProtectorTest {
    private static final VolumeIdentity VOLUME = VolumeIdentity.of("0B7C9A52-8F6E-4D0E-9F0A-1D2C3B4A5E6F", "/dev/vdb", VolumeType.DATA, "vm");

    @Test
    void storesAPrivateFileWithThePassphraseAndUnlocksFromTheTokenText(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys");
        LocalKeyFileProtector protector = new LocalKeyFileProtector(keys);
        try (SecretBytes passphrase = PassphraseGenerator.strong().generate()) {
            LocalKeyFileToken token = (LocalKeyFileToken) protector.protect(passphrase, VOLUME).token();
            Path file = Path.of(token.path());
            assertThat(file).isEqualTo(keys.resolve("0b7c9a52-8f6e-4d0e-9f0a-1d2c3b4a5e6f.key"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rwx------");
            byte[] expected = passphrase.copyToArray();
            try {
                assertThat(Files.readAllBytes(file)).isEqualTo(expected);
            } finally {
                Arrays.fill(expected, (byte) 0);
            }
            try (SecretBytes back = protector.unprotect(KeyTokenCodec.fromJson(KeyTokenCodec.toJson(token)))) {
                assertThat(back.contentEquals(passphrase)).isTrue();
            }
        }
    }

    @Test
    void refusesAChangedOrExposedFile(@TempDir Path dir) throws Exception {
        LocalKeyFileProtector protector = new LocalKeyFileProtector(dir);
        LocalKeyFileToken token;
        try (SecretBytes passphrase = PassphraseGenerator.strong().generate()) {
            token = (LocalKeyFileToken) protector.protect(passphrase, VOLUME).token();
        }
        Path file = Path.of(token.path());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> protector.unprotect(token)).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(KeyTokenError.LOCAL_KEY_FILE_UNUSABLE)).hasMessageContaining("readable by others");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.write(file, "tampered".getBytes());
        assertThatThrownBy(() -> protector.unprotect(token)).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(KeyTokenError.LOCAL_KEY_FILE_UNUSABLE)).hasMessageContaining("SHA-256 differs");
    }
}
