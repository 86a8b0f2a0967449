package dev.guestcrypt.nativebind.secret;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Keeps secret pages out of swap (mlock) and out of core dumps (madvise MADV_DONTDUMP).
 * Both are best effort: an unprivileged process may be over its RLIMIT_MEMLOCK, and the
 * secret is still zeroed on close either way.
 */
final class SecretMemoryGuard {
    private static final int MADV_DONTDUMP = 16;
    private static final long PAGE = 4096;
    private static final boolean AVAILABLE = register();

    private SecretMemoryGuard() {}

    private static boolean register() {
        try {
            Native.register(SecretMemoryGuard.class, "c");
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }

    private static native int mlock(Pointer address, long length);

    private static native int munlock(Pointer address, long length);

    private static native int madvise(Pointer address, long length, int advice);

    static void protect(Pointer memory, long length) {
        if (!AVAILABLE) {
            return;
        }
        mlock(memory, length);
        // madvise needs page alignment: cover every page the secret touches.
        long start = Pointer.nativeValue(memory) & ~(PAGE - 1);
        long end = Pointer.nativeValue(memory) + length;
        madvise(new Pointer(start), end - start, MADV_DONTDUMP);
    }

    static void release(Pointer memory, long length) {
        if (AVAILABLE) {
            munlock(memory, length);
        }
    }
}
