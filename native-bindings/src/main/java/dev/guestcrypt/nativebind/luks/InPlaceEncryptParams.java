package dev.guestcrypt.nativebind.luks;

import java.nio.file.Path;

/**
 * In-place encryption with the LUKS2 header at the head of the device. The data is shifted by
 * {@code headerSizeBytes}; the device must have {@link #reduceDeviceSizeBytes()} (twice the
 * header size) of unused space at its end: shrink the filesystem first. The usable size afterwards
 * is the device size minus that reduction.
 *
 * @param device          the unmounted device or image file
 * @param format          cipher, key size, sector size, UUID, label, PBKDF (offset is derived)
 * @param headerSizeBytes header area and data shift, multiple of 1 MiB, default 16 MiB
 * @param workDir         a persistent folder for the temporary header (kept until the header is
 *                        on the device, so a crash in between can be redone); not tmpfs
 */
public record InPlaceEncryptParams(Path device, FormatParams format, long headerSizeBytes, Path workDir) {
    public static final long DEFAULT_HEADER_SIZE = 16L << 20;

    public InPlaceEncryptParams {
        if (device == null) {
            throw new IllegalArgumentException("device must be set");
        }
        if (format == null) {
            throw new IllegalArgumentException("format parameters must be set; use FormatParams.builder()");
        }
        if (format.dataDevice() != null || format.dataOffsetBytes() != 0) {
            throw new IllegalArgumentException("in-place encryption derives the data device and offset itself;"
                    + " leave dataDevice null and dataOffsetBytes 0 in the format parameters");
        }
        if (headerSizeBytes < (4L << 20) || headerSizeBytes % (1L << 20) != 0) {
            throw new IllegalArgumentException("header size " + headerSizeBytes
                    + " bytes is invalid; use a multiple of 1 MiB of at least 4 MiB (default 16 MiB)");
        }
        if (workDir == null) {
            throw new IllegalArgumentException("work folder for the temporary header must be set");
        }
    }

    public InPlaceEncryptParams(Path device, FormatParams format, Path workDir) {
        this(device, format, DEFAULT_HEADER_SIZE, workDir);
    }

    /** Space taken from the end of the device: twice the header size, as cryptsetup does. */
    public long reduceDeviceSizeBytes() {
        return 2 * headerSizeBytes;
    }
}
