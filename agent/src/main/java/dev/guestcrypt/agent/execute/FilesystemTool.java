package dev.guestcrypt.agent.execute;

/** ext2/3/4 maintenance on an unmounted device. */
public interface FilesystemTool {
    /** Full check; repairs only what is safe to repair without asking. Throws when errors remain. */
    void check(String device);

    /** Current file-system size in bytes. */
    long sizeBytes(String device);

    /** Shrinks to {@code newSizeBytes} (a multiple of the block size). */
    void shrink(String device, long newSizeBytes);

    /** Grows back to fill the device (used when an operation is rolled back). */
    void growToDevice(String device);
}
