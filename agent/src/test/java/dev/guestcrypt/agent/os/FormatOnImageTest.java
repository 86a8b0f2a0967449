package dev.guestcrypt.agent.os;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.Command;
import dev.guestcrypt.agent.execute.ExecuteError;
import dev.guestcrypt.agent.keys.KeyTokenCodec;
import dev.guestcrypt.agent.keys.KeyVaultToken;
import dev.guestcrypt.nativebind.luks.FormatParams;
import dev.guestcrypt.nativebind.luks.LuksDevice;
import dev.guestcrypt.nativebind.secret.SecretBytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The format flow's real LUKS2 port on image files (real libcryptsetup and cryptsetup, no
 * device-mapper needed): the whole device formatted with the guestcrypt token bound to a keyslot
 * that opens with the passphrase, idempotent on a complete header, finishing an incomplete one,
 * refusing a foreign one; and the real mkfs/blkid adapter.
 */
class FormatOnImageTest {
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
                dev.guestcrypt.nativebind.luks.RunOptions.defaults(), dir.resolve("scratch"));
    }

    private static SecretBytes passphrase(String text) {
        return SecretBytes.takeFrom(text.getBytes(StandardCharsets.US_ASCII));
    }

    private Path ext4Image(String name) {
        Path image = dir.resolve(name);
        assertThat(runner.run(Command.of(Duration.ofSeconds(60), "truncate", "-s", "48M", image.toString())).ok()).isTrue();
        assertThat(runner.run(Command.of(Duration.ofSeconds(60), "mkfs.ext4", "-q", "-F", image.toString())).ok()).isTrue();
        return image;
    }

    private boolean opens(Path image, String text) {
        try (SecretBytes p = passphrase(text)) {
            return runner.run(new Command(List.of("cryptsetup", "open", "--test-passphrase", "--key-file", "-", image.toString()), p,
                    Duration.ofMinutes(1))).ok();
        }
    }

    private static String headerDigest(Path image) throws Exception {
        byte[] head = Arrays.copyOf(Files.readAllBytes(image), 16 << 20);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(head));
    }

    @Test
    void formatsTheWholeDeviceWithTheTokenBoundToAKeyslotThatOpensWithThePassphrase() throws Exception {
        Path image = ext4Image("data.img");
        Ext4Tools fs = new Ext4Tools(runner);
        assertThat(fs.typeOn(image.toString())).isEqualTo("ext4");
        String uuid = UUID.randomUUID().toString();
        try (SecretBytes pass = passphrase("correct horse battery staple")) {
            cryptsetup.formatEncrypted(image.toString(), uuid, pass, token);
        }
        assertThat(fs.typeOn(image.toString())).isEqualTo("crypto_LUKS");
        assertThat(cryptsetup.hasLuksHeader(image.toString(), uuid)).isTrue();
        assertThat(cryptsetup.reencryptionInProgress(image.toString())).as("formatted, not a pending encryption").isFalse();
        assertThat(cryptsetup.tokens(image.toString())).singleElement().satisfies(t -> {
            assertThat(KeyTokenCodec.fromJson(t)).isInstanceOf(KeyVaultToken.class);
            assertThat(KeyTokenCodec.fromJson(t).keyslots()).containsExactly(0);
        });
        JsonNode meta = new LuksMetadataCli(runner).metadata(image.toString()).orElseThrow();
        assertThat(meta.path("keyslots").path("0").path("kdf").path("type").asText()).isEqualTo("pbkdf2");
        assertThat(meta.path("keyslots").path("0").path("kdf").path("iterations").asInt()).isEqualTo(10_000);
        assertThat(meta.path("keyslots").path("0").path("kdf").path("hash").asText()).isEqualTo("sha256");
        assertThat(meta.path("segments").path("0").path("encryption").asText()).isEqualTo("aes-xts-plain64");
        assertThat(opens(image, "correct horse battery staple")).isTrue();
        assertThat(opens(image, "wrong horse")).isFalse();

        // Run again (the step resumed after a crash): a complete header is left exactly as it is.
        String before = headerDigest(image);
        try (SecretBytes pass = passphrase("correct horse battery staple")) {
            cryptsetup.formatEncrypted(image.toString(), uuid, pass, token);
        }
        assertThat(headerDigest(image)).isEqualTo(before);
    }

    @Test
    void anIncompleteHeaderOfTheSameOperationIsWrittenAgain() throws Exception {
        Path image = ext4Image("partial.img");
        String uuid = UUID.randomUUID().toString();
        // A crash between the header and its keyslot: a LUKS2 header with no keyslot and no token.
        try (LuksDevice partial = LuksDevice.init(image)) {
            partial.format(FormatParams.builder().cipher("aes", "xts-plain64").keySizeBytes(64).sectorSize(512).uuid(uuid)
                    .pbkdf(NativeLuksInit.RANDOM_PASSPHRASE_KDF).build(), null);
        }
        assertThat(cryptsetup.hasLuksHeader(image.toString(), uuid)).isTrue();
        assertThat(cryptsetup.tokens(image.toString())).isEmpty();
        try (SecretBytes pass = passphrase("second try")) {
            cryptsetup.formatEncrypted(image.toString(), uuid, pass, token);
        }
        assertThat(cryptsetup.hasLuksHeader(image.toString(), uuid)).isTrue();
        assertThat(cryptsetup.tokens(image.toString())).hasSize(1);
        assertThat(opens(image, "second try")).isTrue();
    }

    @Test
    void anotherLuksHeaderIsNeverFormattedOver() throws Exception {
        Path image = ext4Image("foreign.img");
        String foreign = UUID.randomUUID().toString();
        try (SecretBytes pass = passphrase("theirs")) {
            cryptsetup.formatEncrypted(image.toString(), foreign, pass, token);
        }
        String before = headerDigest(image);
        try (SecretBytes pass = passphrase("ours")) {
            assertThatThrownBy(() -> cryptsetup.formatEncrypted(image.toString(), UUID.randomUUID().toString(), pass, token))
                    .isInstanceOf(AgentException.class).hasMessageContaining(foreign)
                    .satisfies(e -> assertThat(((AgentException) e).code()).isEqualTo(ExecuteError.LUKS_INIT_FAILED));
        }
        assertThat(headerDigest(image)).isEqualTo(before);
        assertThat(opens(image, "theirs")).isTrue();
    }

    @Test
    void makesExt4AndXfsWithTheLabelAndBlkidSeesThem() {
        Ext4Tools fs = new Ext4Tools(runner);
        for (String type : List.of("ext4", "xfs")) {
            Path image = dir.resolve(type + ".img");
            assertThat(runner.run(Command.of(Duration.ofSeconds(60), "truncate", "-s", "320M", image.toString())).ok()).isTrue();
            assertThat(fs.typeOn(image.toString())).as("a blank image").isEmpty();
            fs.make(image.toString(), type, "scratch");
            assertThat(fs.typeOn(image.toString())).isEqualTo(type);
            assertThat(runner.run(Command.of(Duration.ofSeconds(30), "blkid", "-p", "-o", "value", "-s", "LABEL", image.toString()))
                    .stdout().trim()).isEqualTo("scratch");
        }
        assertThatThrownBy(() -> fs.make(dir.resolve("ext4.img").toString(), "btrfs", ""))
                .isInstanceOf(AgentException.class).hasMessageContaining("btrfs");
    }
}
