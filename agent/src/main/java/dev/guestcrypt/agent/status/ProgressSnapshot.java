package dev.guestcrypt.agent.status;

import java.time.Instant;

/** The last progress report of a running encryption. */
public record ProgressSnapshot(String volumeKey, String mountPoint, long doneBytes, long totalBytes, double bytesPerSec, Instant at) {
    public double percent() {
        return totalBytes <= 0 ? 0 : Math.min(100.0, 100.0 * doneBytes / totalBytes);
    }

    /** Seconds left at the current speed, or -1 when unknown. */
    public long etaSeconds() {
        return bytesPerSec <= 0 ? -1 : (long) Math.ceil((totalBytes - doneBytes) / bytesPerSec);
    }
}
