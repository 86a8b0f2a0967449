package dev.guestcrypt.nativebind.jna;

import com.sun.jna.Native;

/** The few libc calls the bindings need: the size of a block device or file via lseek. */
public final class LibC {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int SEEK_END = 2;

    static {
        Native.register(LibC.class, "c");
    }

    private LibC() {}

    private static native int open(String path, int flags);

    private static native long lseek(int fd, long offset, int whence);

    private static native int close(int fd);

    /** Size in bytes of a regular file or block device, or {@code -errno}. */
    public static long sizeOf(String path) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return -Native.getLastError();
        }
        try {
            long end = lseek(fd, 0, SEEK_END);
            return end < 0 ? -Native.getLastError() : end;
        } finally {
            close(fd);
        }
    }
}
