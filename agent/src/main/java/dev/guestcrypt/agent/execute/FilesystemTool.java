package dev.guestcrypt.agent.execute;

/** File-system maintenance on an unmounted device (ext2/3/4; creation also xfs). */
public interface FilesystemTool {
    /** Full check; repairs only what is safe to repair without asking. Throws when errors remain. */
    void check(String device);

    /** Current file-system size in bytes. */
    long sizeBytes(String device);

    /** Shrinks to {@code newSizeBytes} (a multiple of the block size). */
    void shrink(String device, long newSizeBytes);

    /** Grows back to fill the device (used when an operation is rolled back). */
    void growToDevice(String device);

    /** The file-system type blkid finds on {@code device} ({@code ext4}, {@code xfs}...), or empty when none. */
    String typeOn(String device);

    /**
     * Makes a new, empty file system of {@code fsType} (ext4 or xfs) on {@code device}, with
     * {@code label} when not empty.
     */
    void make(String device, String fsType, String label);
}
