package dev.guestcrypt.nativebind.secret;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The only carrier of key material (passphrases, volume keys) in guestcrypt.
 *
 * <p>The bytes live off the Java heap, so the garbage collector never copies them; the pages are
 * locked in RAM where the kernel allows it (never swapped) and excluded from core dumps; they are
 * zeroed on {@link #close()}. There is deliberately no {@code toString} that shows content.
 *
 * <p>Not thread-safe: one owner at a time.
 */
public final class SecretBytes implements AutoCloseable {
    private final int length;
    private Memory memory;

    private SecretBytes(int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("secret length must be positive, got " + length);
        }
        this.length = length;
        this.memory = new Memory(length);
        SecretMemoryGuard.protect(memory, length);
    }

    /** A zero-filled secret of {@code length} bytes, to be filled by native code. */
    public static SecretBytes allocate(int length) {
        return new SecretBytes(length);
    }

    /**
     * Copies {@code source} off-heap and zeroes {@code source}: the heap copy must not outlive
     * this call.
     */
    public static SecretBytes takeFrom(byte[] source) {
        try {
            SecretBytes secret = new SecretBytes(source.length);
            secret.memory.write(0, source, 0, source.length);
            return secret;
        } finally {
            Arrays.fill(source, (byte) 0);
        }
    }

    /** {@code length} bytes from {@code random}. */
    public static SecretBytes random(int length, SecureRandom random) {
        byte[] buffer = new byte[length];
        random.nextBytes(buffer);
        return takeFrom(buffer);
    }

    public int length() {
        return length;
    }

    /**
     * A heap copy for APIs that only accept arrays (Base64, HTTP bodies). The caller owns it and
     * must zero it ({@code Arrays.fill(copy, (byte) 0)}) as soon as it is used.
     */
    public byte[] copyToArray() {
        byte[] copy = new byte[length];
        live().read(0, copy, 0, length);
        return copy;
    }

    /** A new secret holding the same bytes; closing either leaves the other intact. */
    public SecretBytes duplicate() {
        Memory source = live();
        SecretBytes copy = new SecretBytes(length);
        for (int i = 0; i < length; i++) {
            copy.memory.setByte(i, source.getByte(i)); // byte by byte: no heap copy
        }
        return copy;
    }

    /** Comparison in time independent of where the bytes differ. */
    public boolean contentEquals(SecretBytes other) {
        if (other.length != length) {
            return false;
        }
        Memory mine = live();
        Memory theirs = other.live();
        int difference = 0;
        for (int i = 0; i < length; i++) {
            difference |= mine.getByte(i) ^ theirs.getByte(i);
        }
        return difference == 0;
    }

    /** Native address of the bytes, for the bindings only; valid until {@link #close()}. */
    public Pointer pointer() {
        return live();
    }

    public boolean isClosed() {
        return memory == null;
    }

    /** Zeroes the bytes, unlocks and frees them. Idempotent. */
    @Override
    public void close() {
        if (memory == null) {
            return;
        }
        memory.clear();
        SecretMemoryGuard.release(memory, length);
        memory.close();
        memory = null;
    }

    @Override
    public String toString() {
        return "SecretBytes[" + length + " bytes" + (memory == null ? ", closed]" : "]");
    }

    private Memory live() {
        if (memory == null) {
            throw new IllegalStateException("secret already closed");
        }
        return memory;
    }
}
