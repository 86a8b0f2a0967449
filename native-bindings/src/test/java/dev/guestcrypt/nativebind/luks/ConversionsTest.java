package dev.guestcrypt.nativebind.luks;

import dev.guestcrypt.nativebind.secret.SecretBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.guestcrypt.nativebind.luks.TestImages.MIB;
import static dev.guestcrypt.nativebind.luks.TestImages.cheapFormat;
import static dev.guestcrypt.nativebind.luks.TestImages.firstMismatch;
import static dev.guestcrypt.nativebind.luks.TestImages.firstPlainMismatch;
import static dev.guestcrypt.nativebind.luks.TestImages.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Offline conversions on image files, checked byte for byte by the independent {@link XtsOracle}
 * with the volume key read back from the header.
 */
class ConversionsTest {
    private static final long HEADER = 4 * MIB;
    private static final int IMAGE_MIB = 32;
    private static final int PAYLOAD_MIB = IMAGE_MIB - 8; // size minus twice the header

    @TempDir
    Path dir;

    private InPlaceEncryptParams inPlace(Path image, int sectorSize) {
        return new InPlaceEncryptParams(image, cheapFormat().sectorSize(sectorSize)
                .uuid("7d0c1e2f-3a4b-4c5d-8e6f-708192a3b4c5").build(), HEADER, dir);
    }

    @Test
    void inPlaceEncryptionKeepsEveryPayloadByteAndCanBeStoppedAndResumed() throws Exception {
        Path image = TestImages.create(dir, "inplace.img", IMAGE_MIB, PAYLOAD_MIB, 11);
        try (SecretBytes pass = secret("in place pass")) {
            int[] setupSlot = {-1};
            InitResult init = LuksConversions.initEncryptInPlace(inPlace(image, 512), pass, (header, keyslot) -> {
                setupSlot[0] = keyslot;
                header.tokens().write(0, "{\"type\":\"guestcrypt-test\",\"keyslots\":[\"" + keyslot + "\"]}");
            });
            assertThat(setupSlot[0]).isEqualTo(init.keyslot());
            try (LuksDevice pending = LuksDevice.open(image)) {
                assertThat(pending.tokens().isAssigned(0, init.keyslot())).isTrue();
                assertThatThrownBy(() -> pending.tokens().write("{\"type\":\"late\",\"keyslots\":[]}"))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("conversion is pending");
            }
            assertThat(init.uuid()).isEqualTo("7d0c1e2f-3a4b-4c5d-8e6f-708192a3b4c5");
            assertThat(LuksConversions.initEncryptInPlace(inPlace(image, 512), pass)).isEqualTo(init); // idempotent
            assertThat(LuksConversions.status(image, null)).isEqualTo(ReencryptStatus.CLEAN);
            try (LuksDevice pending = LuksDevice.open(image)) {
                assertThat(pending.reencryption().info()).isEqualTo(new ReencryptInfo(ReencryptStatus.CLEAN,
                        ReencryptInfo.Mode.ENCRYPT, "datashift", HEADER, false));
            }
            assertThat(Files.list(dir).filter(p -> p.getFileName().toString().startsWith("LUKS2-temp"))).isEmpty();

            List<Progress> reports = new ArrayList<>();
            RunOutcome first = LuksConversions.resume(image, null, null, pass, progress -> {
                reports.add(progress);
                return reports.size() >= 2 ? ProgressListener.Decision.STOP : ProgressListener.Decision.CONTINUE;
            }, RunOptions.defaults());
            assertThat(first).isEqualTo(RunOutcome.STOPPED);
            assertThat(LuksConversions.status(image, null)).isEqualTo(ReencryptStatus.CLEAN);
            assertThat(reports.get(0).bytesTotal()).isEqualTo((IMAGE_MIB - 4) * MIB);

            assertThat(LuksConversions.resume(image, null, null, pass, null, RunOptions.defaults()))
                    .isEqualTo(RunOutcome.FINISHED);
            assertThat(LuksConversions.status(image, null)).isEqualTo(ReencryptStatus.NONE);
            try (LuksDevice done = LuksDevice.open(image)) {
                assertThat(done.reencryption().info().mode()).isNull();
            }

            try (LuksDevice luks = LuksDevice.open(image)) {
                assertThat(luks.dataOffsetBytes()).isEqualTo(HEADER);
                assertThat(luks.sectorSize()).isEqualTo(512);
                XtsOracle oracle = new XtsOracle(TestImages.volumeKey(luks, pass), 512);
                assertThat(firstMismatch(oracle, image, HEADER, PAYLOAD_MIB, 11, 0)).isEqualTo(-1);
                // The check is sensitive: one sector off in offset or IV and nothing matches.
                assertThat(firstMismatch(oracle, image, HEADER + 512, 1, 11, 0)).isZero();
                assertThat(firstMismatch(oracle, image, HEADER, 1, 11, 1)).isZero();
            }
        }
    }

    @Test
    void defaultHeaderSizeShiftsTheDataBy16MiBAndKeepsSizeMinus32MiB() throws Exception {
        Path image = TestImages.create(dir, "default.img", 40, 8, 19);
        InPlaceEncryptParams params = new InPlaceEncryptParams(image, cheapFormat().sectorSize(4096).build(), dir);
        assertThat(params.reduceDeviceSizeBytes()).isEqualTo(32 * MIB);
        try (SecretBytes pass = secret("default pass")) {
            assertThat(LuksConversions.encryptInPlace(params, pass, null, null)).isEqualTo(RunOutcome.FINISHED);
            try (LuksDevice luks = LuksDevice.open(image)) {
                assertThat(luks.dataOffsetBytes()).isEqualTo(16 * MIB);
                assertThat(luks.deviceSizeBytes()).isEqualTo(40 * MIB);
                XtsOracle oracle = new XtsOracle(TestImages.volumeKey(luks, pass), 4096);
                assertThat(firstMismatch(oracle, image, 16 * MIB, 8, 19, 0)).isEqualTo(-1);
            }
        }
    }

    @Test
    void initInterruptedBeforeTheHeaderReachedTheDeviceIsCompletedByRepeatingIt() throws Exception {
        Path image = TestImages.create(dir, "window.img", IMAGE_MIB, PAYLOAD_MIB, 18);
        InPlaceEncryptParams params = inPlace(image, 512);
        int[] setups = {0};
        HeaderSetup countingSetup = (header, keyslot) -> setups[0]++;
        try (SecretBytes pass = secret("window pass")) {
            // State after a crash between recording the encryption and writing the header to the device.
            Path tempHeader = LuksConversions.prepareTempHeader(params, params.format().uuid(), pass, countingSetup);
            assertThat(LuksDevice.isLuks2(image)).isFalse();
            assertThat(firstPlainMismatch(image, PAYLOAD_MIB, 18)).isEqualTo(-1); // head untouched

            InitResult init = LuksConversions.initEncryptInPlace(params, pass, countingSetup);
            assertThat(setups[0]).isEqualTo(1); // the recorded header was reused, not rebuilt
            assertThat(tempHeader).doesNotExist();
            assertThat(init.uuid()).isEqualTo(params.format().uuid());
            assertThat(LuksConversions.resume(image, null, null, pass, null, null)).isEqualTo(RunOutcome.FINISHED);
            try (LuksDevice luks = LuksDevice.open(image)) {
                XtsOracle oracle = new XtsOracle(TestImages.volumeKey(luks, pass), 512);
                assertThat(firstMismatch(oracle, image, HEADER, PAYLOAD_MIB, 18, 0)).isEqualTo(-1);
            }
        }
    }

    @Test
    void inPlaceDecryptionPutsThePlaintextBackAtOffsetZero() throws Exception {
        Path image = TestImages.create(dir, "dec.img", IMAGE_MIB, PAYLOAD_MIB, 12);
        Path exported = dir.resolve("dec.hdr");
        try (SecretBytes pass = secret("decrypt pass")) {
            assertThat(LuksConversions.encryptInPlace(inPlace(image, 4096), pass, null, RunOptions.defaults()))
                    .isEqualTo(RunOutcome.FINISHED);
            try (LuksDevice luks = LuksDevice.open(image)) {
                XtsOracle oracle = new XtsOracle(TestImages.volumeKey(luks, pass), 4096);
                assertThat(firstMismatch(oracle, image, HEADER, PAYLOAD_MIB, 12, 0)).isEqualTo(-1);
            }
            try (SecretBytes wrong = secret("wrong")) {
                assertThatThrownBy(() -> LuksConversions.initDecryptInPlace(image, exported, wrong))
                        .isInstanceOf(CryptsetupException.class).hasMessageContaining("EPERM");
                assertThat(exported).doesNotExist();
            }
            assertThat(LuksConversions.decryptInPlace(image, exported, pass, null, RunOptions.defaults()))
                    .isEqualTo(RunOutcome.FINISHED);
            assertThat(firstPlainMismatch(image, PAYLOAD_MIB, 12)).isEqualTo(-1);
            assertThat(LuksDevice.isLuks2(image)).isFalse();
        }
    }

    @Test
    void detachedHeaderEncryptionStopResumeAndDecryption() throws Exception {
        Path image = TestImages.create(dir, "det.img", 8, 8, 13);
        Path header = dir.resolve("det.hdr");
        RunOptions small = RunOptions.defaults().withMaxHotzoneBytes(2 * MIB);
        try (SecretBytes pass = secret("detached pass")) {
            FormatParams format = cheapFormat().sectorSize(4096).build();
            LuksConversions.initEncryptDetached(header, image, format, pass, small);
            int[] calls = {0};
            assertThat(LuksConversions.resume(image, header, null, pass,
                    p -> ++calls[0] >= 3 ? ProgressListener.Decision.STOP : ProgressListener.Decision.CONTINUE, small))
                    .isEqualTo(RunOutcome.STOPPED);
            assertThat(LuksConversions.resume(image, header, null, pass, null, small)).isEqualTo(RunOutcome.FINISHED);
            try (LuksDevice luks = LuksDevice.openDetached(header, image)) {
                assertThat(luks.dataOffsetBytes()).isZero();
                XtsOracle oracle = new XtsOracle(TestImages.volumeKey(luks, pass), 4096);
                assertThat(firstMismatch(oracle, image, 0, 8, 13, 0)).isEqualTo(-1);
            }
            assertThat(firstPlainMismatch(image, 1, 13)).isZero(); // really encrypted

            assertThat(LuksConversions.decryptDetached(header, image, pass, null, small)).isEqualTo(RunOutcome.FINISHED);
            assertThat(firstPlainMismatch(image, 8, 13)).isEqualTo(-1);
        }
    }

    @Test
    void reKeyChangesTheVolumeKeyAndKeepsThePassphraseAndData() throws Exception {
        Path image = TestImages.create(dir, "rekey.img", IMAGE_MIB, PAYLOAD_MIB, 14);
        try (SecretBytes pass = secret("rekey pass")) {
            LuksConversions.encryptInPlace(inPlace(image, 512), pass, null, RunOptions.defaults());
            byte[] oldKey;
            try (LuksDevice luks = LuksDevice.open(image)) {
                oldKey = TestImages.volumeKey(luks, pass);
            }
            try (LuksDevice luks = LuksDevice.open(image)) {
                luks.tokens().write(2, "{\"type\":\"guestcrypt-test\",\"keyslots\":[\"0\"]}");
            }
            RunOptions small = RunOptions.defaults().withMaxHotzoneBytes(4 * MIB);
            InitResult init = LuksConversions.initReencrypt(image, null, pass, Pbkdf.cheapForTests(), small,
                    (header, newSlot) -> header.tokens().assign(2, newSlot));
            assertThat(LuksConversions.initReencrypt(image, null, pass, Pbkdf.cheapForTests(), small)).isEqualTo(init);
            try (LuksDevice pending = LuksDevice.open(image)) {
                ReencryptInfo info = pending.reencryption().info();
                assertThat(info.mode()).isEqualTo(ReencryptInfo.Mode.REENCRYPT);
                assertThat(info.resilience()).isEqualTo("checksum");
            }
            int[] calls = {0};
            assertThat(LuksConversions.resume(image, null, null, pass,
                    p -> ++calls[0] >= 3 ? ProgressListener.Decision.STOP : ProgressListener.Decision.CONTINUE, small))
                    .isEqualTo(RunOutcome.STOPPED);
            assertThat(LuksConversions.resume(image, null, null, pass, null, small)).isEqualTo(RunOutcome.FINISHED);
            try (LuksDevice luks = LuksDevice.open(image)) {
                byte[] newKey = TestImages.volumeKey(luks, pass);
                assertThat(newKey).isNotEqualTo(oldKey);
                assertThat(luks.keyslots().verify(pass)).isEqualTo(init.keyslot());
                assertThat(luks.keyslots().list()).containsExactly(new Keyslot(init.keyslot(), KeyslotState.ACTIVE_LAST));
                assertThat(luks.tokens().isAssigned(2, init.keyslot())).isTrue();
                assertThat(luks.tokens().isAssigned(2, 0)).isFalse();
                assertThat(firstMismatch(new XtsOracle(newKey, 512), image, HEADER, PAYLOAD_MIB, 14, 0)).isEqualTo(-1);
                assertThat(firstMismatch(new XtsOracle(oldKey, 512), image, HEADER, 1, 14, 0)).isZero();
            }
        }
    }

    @Test
    void onlineRunWithoutDeviceMapperFailsClearlyAndLeavesTheWorkResumable() throws Exception {
        Path image = TestImages.create(dir, "online.img", IMAGE_MIB, PAYLOAD_MIB, 17);
        try (SecretBytes pass = secret("online pass")) {
            LuksConversions.initEncryptInPlace(inPlace(image, 512), pass);
            assertThatThrownBy(() -> LuksConversions.resume(image, null, "gc-online", pass, null, null))
                    .isInstanceOf(CryptsetupException.class).hasMessageContaining("gc-online");
            assertThat(LuksConversions.status(image, null)).isEqualTo(ReencryptStatus.CLEAN);
            assertThat(LuksConversions.resume(image, null, null, pass, null, null)).isEqualTo(RunOutcome.FINISHED);
            try (LuksDevice luks = LuksDevice.open(image)) {
                XtsOracle oracle = new XtsOracle(TestImages.volumeKey(luks, pass), 512);
                assertThat(firstMismatch(oracle, image, HEADER, PAYLOAD_MIB, 17, 0)).isEqualTo(-1);
            }
        }
    }

    @Test
    void refusalsChangeNothing() throws Exception {
        Path tooSmall = TestImages.create(dir, "small.img", 8, 8, 15);
        try (SecretBytes pass = secret("pass")) {
            assertThatThrownBy(() -> LuksConversions.initEncryptInPlace(inPlace(tooSmall, 512), pass))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(tooSmall.toString())
                    .hasMessageContaining("twice the header size");
            assertThat(firstPlainMismatch(tooSmall, 8, 15)).isEqualTo(-1);

            Path image = TestImages.create(dir, "twice.img", IMAGE_MIB, PAYLOAD_MIB, 16);
            LuksConversions.encryptInPlace(inPlace(image, 512), pass, null, RunOptions.defaults());
            assertThatThrownBy(() -> LuksConversions.initEncryptInPlace(inPlace(image, 512), pass))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already LUKS2");
            assertThat(LuksConversions.resume(image, null, null, pass, null, null)).isEqualTo(RunOutcome.FINISHED);
        }
    }
}
