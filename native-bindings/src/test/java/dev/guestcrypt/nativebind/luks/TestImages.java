package dev.guestcrypt.nativebind.luks;

import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Image files with a reproducible pattern, and small helpers shared by the native tests. */
final class TestImages {
    static final long MIB = 1L << 20;

    private TestImages() {}

    /** A {@code sizeMib} image whose first {@code payloadMib} MiB hold {@link #pattern} and the rest zeros. */
    static Path create(Path dir, String name, int sizeMib, int payloadMib, long seed) throws IOException {
        Path image = dir.resolve(name);
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int mib = 0; mib < payloadMib; mib++) {
                channel.write(ByteBuffer.wrap(pattern(seed, mib)), mib * MIB);
            }
            channel.truncate(sizeMib * MIB);
            if (channel.size() < sizeMib * MIB) {
                channel.write(ByteBuffer.allocate(1), sizeMib * MIB - 1);
            }
        }
        return image;
    }

    /** MiB number {@code mib} of the pattern for {@code seed}: pseudo-random, different in every MiB. */
    static byte[] pattern(long seed, int mib) {
        byte[] data = new byte[(int) MIB];
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + mib);
        for (int i = 0; i < data.length; i += 8) {
            long value = random.nextLong();
            for (int b = 0; b < 8; b++) {
                data[i + b] = (byte) (value >>> (8 * b));
            }
        }
        return data;
    }

    static byte[] readPlain(Path image, long offset, int length) throws IOException {
        byte[] data = new byte[length];
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    break;
                }
            }
        }
        return data;
    }

    /** Index of the first MiB whose decryption differs from the pattern, or -1 when all match. */
    static int firstMismatch(XtsOracle oracle, Path image, long segmentStart, int payloadMib, long seed, long ivShift)
            throws Exception {
        for (int mib = 0; mib < payloadMib; mib++) {
            byte[] plain = oracle.decrypt(image, segmentStart, mib * MIB, (int) MIB, ivShift);
            if (!Arrays.equals(plain, pattern(seed, mib))) {
                return mib;
            }
        }
        return -1;
    }

    /** Index of the first MiB of the plaintext image that differs from the pattern, or -1. */
    static int firstPlainMismatch(Path image, int payloadMib, long seed) throws IOException {
        for (int mib = 0; mib < payloadMib; mib++) {
            if (!Arrays.equals(readPlain(image, mib * MIB, (int) MIB), pattern(seed, mib))) {
                return mib;
            }
        }
        return -1;
    }

    static SecretBytes secret(String text) {
        return SecretBytes.takeFrom(text.getBytes(StandardCharsets.UTF_8));
    }

    static FormatParams.Builder cheapFormat() {
        return FormatParams.builder().pbkdf(Pbkdf.cheapForTests());
    }

    static byte[] volumeKey(LuksDevice luks, SecretBytes passphrase) {
        try (SecretBytes key = luks.volumeKey(passphrase)) {
            return key.copyToArray();
        }
    }
}
