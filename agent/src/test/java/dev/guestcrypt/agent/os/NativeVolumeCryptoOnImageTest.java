package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.Command;
import dev.guestcrypt.agent.execute.VolumeCrypto;
import dev.guestcrypt.agent.keys.KeyTokenCodec;
import dev.guestcrypt.agent.keys.KeyVaultToken;
import dev.guestcrypt.nativebind.luks.RunOptions;
import dev.guestcrypt.nativebind.secret.SecretBytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real LUKS2 header steps through libcryptsetup on image files (no device-mapper needed):
 * header and token written together, the pending encryption visible, LUKS2's refusal of token
 * changes in between, and a header nobody can read refused with a clear error.
 */
class NativeVolumeCryptoOnImageTest {
    @TempDir
    Path dir;
    private final ProcessCommandRunner runner = new ProcessCommandRunner();
    private NativeVolumeCrypto cryptsetup;
    private final String token = KeyTokenCodec.toJson(new KeyVaultToken("https://v.vault.azure.net", "s1",
            "0123456789abcdef0123456789abcdef", null, List.of()));

    @BeforeEach
    void tools() {
        assumeTrue(runner.run(Command.of(Duration.ofSeconds(20), "cryptsetup", "--version")).ok(), "cryptsetup is not installed");
        cryptsetup = new NativeVolumeCrypto(new NativeLuksInit(dir.resolve("work"), NativeLuksInit.RANDOM_PASSPHRASE_KDF),
                RunOptions.defaults(), dir.resolve("scratch")); // the production keyslot KDF
        cryptsetup.load(); // as the daemon does at start: the library and the structure layouts, before any volume
    }

    private static SecretBytes passphrase() {
        return SecretBytes.takeFrom("correct horse battery staple".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void inPlaceHeaderCarriesTheTokenFromTheStartAndTheEncryptionCompletes() throws Exception {
        Path image = dir.resolve("data.img");
        assertThat(runner.run(Command.of(Duration.ofSeconds(60), "truncate", "-s", "160M", image.toString())).ok()).isTrue();
        assertThat(runner.run(Command.of(Duration.ofSeconds(60), "mkfs.ext4", "-q", "-F", image.toString())).ok()).isTrue();
        assertThat(runner.run(Command.of(Duration.ofSeconds(60), "resize2fs", image.toString(), "128M")).ok()).isTrue();
        String uuid = UUID.randomUUID().toString();
        try (SecretBytes pass = passphrase()) {
            cryptsetup.initEncryptInPlace(image.toString(), uuid, 32L << 20, pass, token);
            assertThat(cryptsetup.hasLuksHeader(image.toString(), uuid)).isTrue();
            assertThat(cryptsetup.hasLuksHeader(image.toString(), UUID.randomUUID().toString())).isFalse();
            assertThat(cryptsetup.reencryptionInProgress(image.toString())).isTrue();
            assertThat(cryptsetup.tokens(image.toString())).singleElement().satisfies(t -> {
                assertThat(KeyTokenCodec.fromJson(t)).isInstanceOf(KeyVaultToken.class);
                assertThat(KeyTokenCodec.fromJson(t).keyslots()).containsExactly(0);
            });
            assertThatThrownBy(() -> cryptsetup.addToken(image.toString(), token)).isInstanceOf(AgentException.class)
                    .hasMessageContaining("adding the key token");
            // Init again (a resumed step) is a no-op: same UUID, one token.
            cryptsetup.initEncryptInPlace(image.toString(), uuid, 32L << 20, pass, token);
            assertThat(cryptsetup.tokens(image.toString())).hasSize(1);
            // Finish offline (online needs device-mapper; an image file must be declared offline), passphrase on stdin only.
            assertThat(runner.run(new Command(List.of("cryptsetup", "reencrypt", "--resume-only", "--batch-mode", "--force-offline-reencrypt", "--key-file", "-",
                    image.toString()), pass, Duration.ofMinutes(5))).ok()).isTrue();
        }
        assertThat(cryptsetup.reencryptionInProgress(image.toString())).isFalse();
        assertThat(cryptsetup.tokens(image.toString())).hasSize(1);
        assertThat(indexOf(Files.readAllBytes(image), "correct horse".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void detachedHeaderFileHoldsTokenAndPendingEncryption() throws Exception {
        Path image = dir.resolve("xfs.img");
        assertThat(runner.run(Command.of(Duration.ofSeconds(60), "truncate", "-s", "64M", image.toString())).ok()).isTrue();
        Path header = dir.resolve("headers/h.luks");
        String uuid = UUID.randomUUID().toString();
        try (SecretBytes pass = passphrase()) {
            cryptsetup.initEncryptDetached(image.toString(), header.toString(), uuid, pass, token);
        }
        assertThat(cryptsetup.hasLuksHeader(header.toString(), uuid)).isTrue();
        assertThat(cryptsetup.reencryptionInProgress(header.toString())).isTrue();
        assertThat(cryptsetup.tokens(header.toString())).hasSize(1);
        cryptsetup.backupHeader(header.toString(), header + ".bak");
        assertThat(Files.size(Path.of(header + ".bak"))).isPositive();
    }

    @Test
    void eachKindOfHeaderIsRehearsedOnScratchFilesThatAreGoneAfterwards() throws Exception {
        for (VolumeCrypto.HeaderKind kind : VolumeCrypto.HeaderKind.values()) {
            cryptsetup.rehearse(kind, 32L << 20, token);
            try (var left = Files.list(dir.resolve("scratch"))) {
                assertThat(left).as("scratch files after rehearsing " + kind).isEmpty();
            }
        }
    }

    @Test
    void aRehearsalThatCannotWriteItsHeaderIsRefusedWithItsOwnCode() throws Exception {
        Files.writeString(dir.resolve("scratch"), "a file where the scratch folder should be");
        assertThatThrownBy(() -> cryptsetup.rehearse(VolumeCrypto.HeaderKind.IN_PLACE, 32L << 20, token))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code().id()).isEqualTo("GC3019");
                    assertThat(e.getMessage()).contains(dir.resolve("scratch").toString()).contains("left mounted and untouched");
                });
        // A token LUKS2 cannot take (not JSON of a guestcrypt token) fails the same way, before any volume is touched.
        Files.delete(dir.resolve("scratch"));
        assertThatThrownBy(() -> cryptsetup.rehearse(VolumeCrypto.HeaderKind.DETACHED, 32L << 20, "{\"type\":\"x\"}"))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code().id()).isEqualTo("GC3019"));
    }

    @Test
    void aDeviceWithoutLuksHeaderHasNoTokensAndRefusesOneWithTheDeviceNamed() throws Exception {
        Path image = dir.resolve("plain.img");
        assertThat(runner.run(Command.of(Duration.ofSeconds(60), "truncate", "-s", "32M", image.toString())).ok()).isTrue();
        assertThat(cryptsetup.hasLuksHeader(image.toString(), UUID.randomUUID().toString())).isFalse();
        assertThat(cryptsetup.tokens(image.toString())).isEmpty();
        assertThat(cryptsetup.reencryptionInProgress(image.toString())).isFalse();
        assertThatThrownBy(() -> cryptsetup.addToken(image.toString(), token)).isInstanceOfSatisfying(AgentException.class, e -> {
            assertThat(e.code().id()).isEqualTo("GC3006");
            assertThat(e.getMessage()).contains(image.toString());
        });
        assertThat(Files.readAllBytes(image)).containsOnly((byte) 0);
    }
}
