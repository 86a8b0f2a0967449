package dev.guestcrypt.agent.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The size of an ext2/3/4 file system, read from its superblock. It replaces a {@code dumpe2fs}
 * run inside the volume's offline window, where each program start costs a noticeable part of a
 * second on small virtual CPUs.
 */
public final class Ext4Superblock {
    /** The primary superblock starts 1024 bytes into the device and is 1024 bytes long. */
    static final int OFFSET = 1024;
    static final int LENGTH = 1024;
    private static final int MAGIC = 0xEF53;
    private static final int INCOMPAT_64BIT = 0x80;

    private Ext4Superblock() {}

    /** Block count x block size of the file system on {@code device}. */
    public static long sizeBytes(Path device) throws IOException {
        ByteBuffer sb = ByteBuffer.allocate(LENGTH);
        try (FileChannel channel = FileChannel.open(device, StandardOpenOption.READ)) {
            while (sb.hasRemaining()) {
                if (channel.read(sb, OFFSET + sb.position()) < 0) {
                    throw new IOException(device + " ends before its superblock");
                }
            }
        }
        return sizeBytes(sb.flip());
    }

    /** Block count x block size from the 1024 bytes of a superblock. */
    static long sizeBytes(ByteBuffer superblock) {
        ByteBuffer sb = superblock.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if ((sb.getShort(0x38) & 0xFFFF) != MAGIC) {
            throw new IllegalArgumentException("no ext2/3/4 superblock (magic 0xEF53 missing)");
        }
        int logBlockSize = sb.getInt(0x18);
        if (logBlockSize < 0 || logBlockSize > 6) {
            throw new IllegalArgumentException("ext2/3/4 superblock with an impossible block size (log " + logBlockSize + ")");
        }
        long blocks = Integer.toUnsignedLong(sb.getInt(0x04));
        if ((sb.getInt(0x60) & INCOMPAT_64BIT) != 0) {
            blocks |= Integer.toUnsignedLong(sb.getInt(0x150)) << 32;
        }
        return blocks * (1024L << logBlockSize);
    }
}
