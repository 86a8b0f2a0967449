package dev.guestcrypt.nativebind.luks;

/**
 * Bounds for a re-encryption run. The hotzone is the memory buffer too: the library default can
 * reach 1 GiB, so it is always set (on init and on every resume).
 *
 * @param maxHotzoneBytes largest chunk rewritten per step, multiple of 4096, default 64 MiB
 * @param resilience      crash protection for rewritten chunks, default checksum
 */
public record RunOptions(long maxHotzoneBytes, Resilience resilience) {
    public static final long DEFAULT_MAX_HOTZONE = 64L << 20;

    public RunOptions {
        if (maxHotzoneBytes < 4096 || maxHotzoneBytes % 4096 != 0 || maxHotzoneBytes > (1L << 30)) {
            throw new IllegalArgumentException("max hotzone size " + maxHotzoneBytes
                    + " bytes is invalid; use a multiple of 4096 between 4 KiB and 1 GiB (default 64 MiB)");
        }
        if (resilience == null) {
            throw new IllegalArgumentException("resilience must be set; use Resilience.CHECKSUM");
        }
    }

    public static RunOptions defaults() {
        return new RunOptions(DEFAULT_MAX_HOTZONE, Resilience.CHECKSUM);
    }

    public RunOptions withMaxHotzoneBytes(long bytes) {
        return new RunOptions(bytes, resilience);
    }

    public RunOptions withResilience(Resilience value) {
        return new RunOptions(maxHotzoneBytes, value);
    }

    long maxHotzoneSectors() {
        return maxHotzoneBytes / 512;
    }
}
