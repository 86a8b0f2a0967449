package dev.guestcrypt.nativebind.jna;

import com.sun.jna.Native;

/** The few libc calls the bindings need: the size of a block device or file via lseek. */
public final class LibC {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int SEEK_END = 2;
    private static final int EIO = 5;

    static {
        Native.register(LibC.class, "c");
    }

    private LibC() {}

    private static native int open(String path, int flags);

    private static native long lseek(int fd, long offset, int whence);

    private static native int close(int fd);

    private static int lastErrno() {
        int errno = Native.getLastError();
        return errno > 0 ? errno : EIO; // never report a failure as size 0
    }

    /** Size in bytes of a regular file or block device, or {@code -errno}. */
    public static long sizeOf(String path) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return -lastErrno();
        }
        try {
            long end = lseek(fd, 0, SEEK_END);
            return end < 0 ? -lastErrno() : end;
        } finally {
            close(fd);
        }
    }
}
