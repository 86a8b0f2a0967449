package dev.guestcrypt.nativebind.luks;

import dev.guestcrypt.nativebind.secret.SecretBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static dev.guestcrypt.nativebind.luks.TestImages.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/** With the library's debug output on, neither passphrases nor the volume key reach the log. */
class LogLeakTest {
    private static final String PASSPHRASE = "Leak-Canary-7f3e91";
    private static final String SECOND = "Second-Canary-28ab";
    private static final String WRONG = "Wrong-Canary-c0de";

    @TempDir
    Path dir;

    @Test
    void debugLogNeverContainsSecrets() throws Exception {
        StringBuilder captured = new StringBuilder();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (captured) {
                    captured.append(record.getMessage()).append('\n');
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger(CryptsetupLog.LOGGER_NAME);
        Level previous = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.setUseParentHandlers(false);
        logger.addHandler(handler);
        byte[] volumeKey;
        CryptsetupLog.setDebug(true);
        try (SecretBytes pass = TestImages.secret(PASSPHRASE); SecretBytes second = TestImages.secret(SECOND);
             SecretBytes wrong = TestImages.secret(WRONG)) {
            Path image = TestImages.create(dir, "leak.img", 24, 16, 31);
            LuksConversions.encryptInPlace(new InPlaceEncryptParams(image, TestImages.cheapFormat().build(), 4 * MIB, dir),
                    pass, null, RunOptions.defaults());
            try (LuksDevice luks = LuksDevice.open(image)) {
                luks.usePbkdf(Pbkdf.cheapForTests());
                luks.keyslots().addByPassphrase(pass, second);
                assertThat(luks.keyslots().find(wrong)).isEmpty();
                volumeKey = TestImages.volumeKey(luks, second);
            }
        } finally {
            CryptsetupLog.setDebug(false);
            logger.removeHandler(handler);
            logger.setLevel(previous);
            logger.setUseParentHandlers(true);
        }
        String log = captured.toString();
        assertThat(log).as("debug output was captured").contains("LUKS2").hasSizeGreaterThan(2000);
        for (String secret : new String[] {PASSPHRASE, SECOND, WRONG}) {
            String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
            assertThat(log).doesNotContain(secret).doesNotContainIgnoringCase(hex);
        }
        String keyHex = HexFormat.of().formatHex(volumeKey);
        assertThat(log.toLowerCase(Locale.ROOT).replace(" ", "")).doesNotContain(keyHex.substring(0, 16));
        assertThat(log).doesNotContain(new String(volumeKey, 0, 8, StandardCharsets.ISO_8859_1));
    }
}
