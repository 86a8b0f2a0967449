package dev.guestcrypt.nativebind.luks;

import dev.guestcrypt.nativebind.secret.SecretBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.guestcrypt.nativebind.luks.TestImages.MIB;
import static dev.guestcrypt.nativebind.luks.TestImages.firstMismatch;
import static org.assertj.core.api.Assertions.assertThat;

/** SIGKILL of a JVM in the middle of a conversion, then recovery and resume: no byte lost. */
class CrashRecoveryTest {
    private static final String PASSPHRASE = "crash test pass";
    private static final int IMAGE_MIB = 64;
    private static final int PAYLOAD_MIB = IMAGE_MIB - 8;
    private static final long HEADER = 4 * MIB;

    @TempDir
    Path dir;

    @Test
    void killedInPlaceEncryptionAndReKeyResumeWithIdenticalData() throws Exception {
        Path image = TestImages.create(dir, "crash.img", IMAGE_MIB, PAYLOAD_MIB, 21);

        ReencryptStatus afterFirstKill = killMidway("inplace", image, 4 * MIB, 3, 0);
        assertThat(afterFirstKill).isIn(ReencryptStatus.CLEAN, ReencryptStatus.CRASH);
        try (SecretBytes pass = TestImages.secret(PASSPHRASE)) {
            assertThat(LuksConversions.resume(image, null, null, pass, null, RunOptions.defaults()))
                    .isEqualTo(RunOutcome.FINISHED);
            try (LuksDevice luks = LuksDevice.open(image)) {
                XtsOracle oracle = new XtsOracle(TestImages.volumeKey(luks, pass), luks.sectorSize());
                assertThat(firstMismatch(oracle, image, HEADER, PAYLOAD_MIB, 21, 0)).isEqualTo(-1);
            }
        }

        ReencryptStatus afterSecondKill = killMidway("rekey", image, 2 * MIB, 4, 25);
        assertThat(afterSecondKill).isIn(ReencryptStatus.CLEAN, ReencryptStatus.CRASH);
        try (SecretBytes pass = TestImages.secret(PASSPHRASE)) {
            RunOptions options = RunOptions.defaults().withMaxHotzoneBytes(2 * MIB);
            assertThat(LuksConversions.resume(image, null, null, pass, null, options)).isEqualTo(RunOutcome.FINISHED);
            try (LuksDevice luks = LuksDevice.open(image)) {
                XtsOracle oracle = new XtsOracle(TestImages.volumeKey(luks, pass), luks.sectorSize());
                assertThat(firstMismatch(oracle, image, HEADER, PAYLOAD_MIB, 21, 0)).isEqualTo(-1);
            }
        }
    }

    /**
     * Starts the child, waits for {@code reports} progress lines and {@code extraDelayMillis} more
     * (to land inside a hotzone), kills it with SIGKILL and returns the state left in the header.
     */
    private ReencryptStatus killMidway(String mode, Path image, long hotzone, int reports, long extraDelayMillis)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                ConversionChild.class.getName(), mode, image.toString(), dir.toString(), Long.toString(hotzone)))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream stdin = child.getOutputStream()) {
            stdin.write(PASSPHRASE.getBytes(StandardCharsets.UTF_8));
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        int seen = 0;
        String line;
        while (seen < reports && (line = out.readLine()) != null) {
            if (line.startsWith("progress")) {
                seen++;
            }
            assertThat(line).doesNotStartWith("outcome");
        }
        assertThat(seen).as("child reported progress before finishing").isEqualTo(reports);
        Thread.sleep(extraDelayMillis);
        child.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(137);
        ReencryptStatus status = LuksConversions.status(image, null);
        System.out.println("after SIGKILL of " + mode + ": " + status);
        return status;
    }
}
