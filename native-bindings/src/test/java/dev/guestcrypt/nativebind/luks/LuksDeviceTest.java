package dev.guestcrypt.nativebind.luks;

import dev.guestcrypt.nativebind.secret.SecretBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;

import static dev.guestcrypt.nativebind.luks.TestImages.MIB;
import static dev.guestcrypt.nativebind.luks.TestImages.cheapFormat;
import static dev.guestcrypt.nativebind.luks.TestImages.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Header, keyslot and token operations against the real libcryptsetup on image files. */
class LuksDeviceTest {
    private static final String UUID = "0f9e4a51-2b6c-4d7e-8f90-a1b2c3d4e5f6";

    @TempDir
    Path dir;

    private Path formatted(SecretBytes volumeKey, SecretBytes passphrase) throws Exception {
        Path image = TestImages.create(dir, "disk.img", 24, 0, 1);
        try (LuksDevice luks = LuksDevice.init(image)) {
            luks.format(cheapFormat().uuid(UUID).label("data0").sectorSize(4096).build(), volumeKey);
            luks.keyslots().addByVolumeKey(volumeKey, passphrase);
        }
        return image;
    }

    @Test
    void formatUsesTheChosenUuidSectorSizeAndVolumeKey() throws Exception {
        try (SecretBytes key = SecretBytes.random(64, new SecureRandom()); SecretBytes pass = secret("first pass")) {
            Path image = formatted(key, pass);
            try (LuksDevice luks = LuksDevice.open(image)) {
                assertThat(luks.uuid()).isEqualTo(UUID);
                assertThat(luks.sectorSize()).isEqualTo(4096);
                assertThat(luks.cipher()).isEqualTo("aes");
                assertThat(luks.cipherMode()).isEqualTo("xts-plain64");
                assertThat(luks.volumeKeySize()).isEqualTo(64);
                assertThat(luks.dataOffsetBytes()).isEqualTo(16 * MIB);
                assertThat(luks.deviceSizeBytes()).isEqualTo(24 * MIB);
                try (SecretBytes unlocked = luks.volumeKey(pass)) {
                    assertThat(unlocked.contentEquals(key)).isTrue();
                }
            }
            assertThat(LuksDevice.isLuks2(image)).isTrue();
        }
    }

    @Test
    void formattingOverAnExistingHeaderIsRefusedAndChangesNothing() throws Exception {
        try (SecretBytes pass = secret("first pass")) {
            Path image = formatted(null, pass);
            try (LuksDevice again = LuksDevice.init(image)) {
                assertThatThrownBy(() -> again.format(cheapFormat().build(), null))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already carries a LUKS2")
                        .hasMessageContaining(image.toString());
            }
            try (LuksDevice luks = LuksDevice.open(image)) {
                assertThat(luks.uuid()).isEqualTo(UUID);
                assertThat(luks.keyslots().verify(pass)).isZero();
            }
        }
    }

    @Test
    void explicitDataOffsetIsHonoured() throws Exception {
        Path image = TestImages.create(dir, "offset.img", 24, 0, 1);
        try (LuksDevice luks = LuksDevice.init(image)) {
            luks.format(cheapFormat().dataOffsetBytes(8 * MIB).build(), null);
            assertThat(luks.dataOffsetBytes()).isEqualTo(8 * MIB);
            assertThat(luks.uuid()).matches("[0-9a-f-]{36}");
        }
    }

    @Test
    void keyslotsAddVerifyChangeDestroyAndList() throws Exception {
        try (SecretBytes pass = secret("first pass"); SecretBytes second = secret("second pass");
             SecretBytes third = secret("third pass"); SecretBytes wrong = secret("not it")) {
            Path image = formatted(null, pass);
            try (LuksDevice luks = LuksDevice.open(image)) {
                luks.usePbkdf(Pbkdf.cheapForTests());
                Keyslots slots = luks.keyslots();
                assertThat(slots.verify(pass)).isEqualTo(0);
                assertThat(slots.state(0)).isEqualTo(KeyslotState.ACTIVE_LAST);

                int added = slots.addByPassphrase(pass, second);
                assertThat(added).isEqualTo(1);
                assertThat(slots.verify(second)).isEqualTo(1);
                assertThat(slots.list()).containsExactly(new Keyslot(0, KeyslotState.ACTIVE),
                        new Keyslot(1, KeyslotState.ACTIVE));

                assertThat(slots.find(wrong)).isEmpty();
                assertThatThrownBy(() -> slots.verify(wrong)).isInstanceOf(CryptsetupException.class)
                        .satisfies(e -> assertThat(((CryptsetupException) e).errnoName()).isEqualTo("EPERM"))
                        .hasMessageContaining(image.toString());

                int changed = slots.change(1, 5, second, third);
                assertThat(changed).isEqualTo(5);
                assertThat(slots.find(second)).isEmpty();
                assertThat(slots.verify(third)).isEqualTo(5);

                slots.destroy(0);
                assertThat(slots.find(pass)).isEmpty();
                assertThat(slots.list()).containsExactly(new Keyslot(5, KeyslotState.ACTIVE_LAST));
                assertThatThrownBy(() -> slots.destroy(5)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("last keyslot");
                assertThatThrownBy(() -> slots.destroy(40)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("0..31");
            }
            try (LuksDevice reopened = LuksDevice.open(image)) {
                assertThat(reopened.keyslots().verify(third)).isEqualTo(5);
            }
        }
    }

    @Test
    void tokensWriteReadAssignListRemove() throws Exception {
        try (SecretBytes pass = secret("first pass")) {
            Path image = formatted(null, pass);
            try (LuksDevice luks = LuksDevice.open(image)) {
                Tokens tokens = luks.tokens();
                int id = tokens.write("{\"type\":\"guestcrypt-keyvault\",\"keyslots\":[],\"vault\":\"v1\"}");
                assertThat(id).isEqualTo(0);
                assertThat(tokens.write(3, "{\"type\":\"guestcrypt-local\",\"keyslots\":[\"0\"]}")).isEqualTo(3);
                assertThat(tokens.list()).containsExactly(0, 3);
                assertThat(tokens.read(0)).get().asString().contains("\"vault\":\"v1\"");
                assertThat(tokens.read(7)).isEmpty();

                assertThat(tokens.isAssigned(0, 0)).isFalse();
                tokens.assign(0, 0);
                assertThat(tokens.isAssigned(0, 0)).isTrue();
                assertThat(tokens.read(0)).get().asString().contains("\"keyslots\":[\"0\"]");
                tokens.unassign(0, 0);
                assertThat(tokens.isAssigned(0, 0)).isFalse();

                tokens.remove(3);
                assertThat(tokens.list()).containsExactly(0);
                assertThatThrownBy(() -> tokens.write("{\"keyslots\":[]}")).isInstanceOf(CryptsetupException.class)
                        .hasMessageContaining("crypt_token_json_set").hasMessageContaining("EINVAL");
            }
        }
    }

    @Test
    void headerBackupRestoresADamagedHeader() throws Exception {
        try (SecretBytes pass = secret("first pass")) {
            Path image = formatted(null, pass);
            Path backup = dir.resolve("disk.hdr");
            try (LuksDevice luks = LuksDevice.open(image)) {
                luks.headerBackup(backup);
                assertThatThrownBy(() -> luks.headerBackup(backup)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("already exists");
            }
            try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.allocate(64 * 1024), 0); // both header copies start in the first 32 KiB
            }
            assertThat(LuksDevice.isLuks2(image)).isFalse();
            try (LuksDevice raw = LuksDevice.init(image)) {
                raw.headerRestore(backup);
            }
            try (LuksDevice luks = LuksDevice.open(image)) {
                assertThat(luks.uuid()).isEqualTo(UUID);
                assertThat(luks.keyslots().verify(pass)).isEqualTo(0);
            }
        }
    }

    @Test
    void activationWithoutDeviceMapperFailsClearly() throws Exception {
        try (SecretBytes pass = secret("first pass")) {
            Path image = formatted(null, pass);
            try (LuksDevice luks = LuksDevice.open(image)) {
                assertThatThrownBy(() -> luks.activation().activate("gc-test", pass, Set.of(ActivationFlag.ALLOW_DISCARDS)))
                        .isInstanceOf(CryptsetupException.class)
                        .hasMessageContaining("crypt_activate_by_passphrase").hasMessageContaining("device-mapper");
                assertThatThrownBy(() -> luks.activation().status("gc-test"))
                        .isInstanceOf(CryptsetupException.class).hasMessageContaining("device-mapper");
                assertThatThrownBy(() -> luks.activation().activate("a/b", pass, Set.of()))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a/b'");
            }
        }
    }

    @Test
    void missingOrPlainDevicesGiveErrnoAndPath() throws Exception {
        Path missing = dir.resolve("missing.img");
        assertThatThrownBy(() -> LuksDevice.open(missing)).isInstanceOf(CryptsetupException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
        Path plain = TestImages.create(dir, "plain.img", 8, 1, 3);
        assertThatThrownBy(() -> LuksDevice.open(plain)).isInstanceOf(CryptsetupException.class)
                .satisfies(e -> assertThat(((CryptsetupException) e).operation()).isEqualTo("crypt_load"))
                .hasMessageContaining("no valid LUKS2 header");
        assertThat(Files.size(plain)).isEqualTo(8 * MIB);
    }

    @Test
    void aMissingLibraryNamesThePackageToInstall() {
        CryptsetupException missing = new CryptsetupUnavailableException(
                new UnsatisfiedLinkError("libcryptsetup.so.12: cannot open shared object file"));
        assertThat(missing).hasMessageContaining("install the Debian/Ubuntu package libcryptsetup12")
                .hasMessageContaining("cannot open shared object file");
    }

    @Test
    void invalidParametersNameTheValueAndTheFix() {
        assertThatThrownBy(() -> cheapFormat().uuid("not-a-uuid").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'not-a-uuid'");
        assertThatThrownBy(() -> cheapFormat().sectorSize(1000).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1000").hasMessageContaining("4096");
        assertThatThrownBy(() -> new RunOptions(1000, Resilience.CHECKSUM))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1000");
        assertThat(List.of(RunOptions.defaults().maxHotzoneBytes())).containsExactly(64 * MIB);
    }
}
