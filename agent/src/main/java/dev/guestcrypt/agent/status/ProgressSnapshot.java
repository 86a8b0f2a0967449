package dev.guestcrypt.agent.status;

import java.time.Instant;

/** The last progress report of a running encryption. */
public record ProgressSnapshot(String volumeKey, String mountPoint, long doneBytes, long totalBytes, double bytesPerSec, Instant at) {
    public double percent() {
        return totalBytes <= 0 ? 0 : Math.min(100.0, 100.0 * doneBytes / totalBytes);
    }

    /**
     * Rebuilds a snapshot from a status-file line, which keeps percent, speed and ETA but not the
     * byte counts: the bytes are scaled so that percent, speed and ETA come out as written.
     */
    public static ProgressSnapshot fromStatus(String volumeKey, VolumeStatus v, Instant at) {
        double speed = Math.max(0, v.mibPerSec() * (1 << 20));
        double leftFraction = Math.max(0, 100 - v.percent()) / 100;
        if (speed <= 0 || v.etaSeconds() < 0 || leftFraction <= 0) {
            // Percent alone; a speed is kept only when nothing is left, so an unknown ETA stays unknown.
            return new ProgressSnapshot(volumeKey, v.mountPoint(), Math.round(v.percent() * 1000), 100_000,
                    leftFraction <= 0 ? speed : 0, at);
        }
        long left = (long) (v.etaSeconds() * speed);
        long total = Math.max(left, Math.round(left / leftFraction));
        return new ProgressSnapshot(volumeKey, v.mountPoint(), total - left, total, speed, at);
    }

    /** Seconds left at the current speed, or -1 when unknown. */
    public long etaSeconds() {
        return bytesPerSec <= 0 ? -1 : (long) Math.ceil((totalBytes - doneBytes) / bytesPerSec);
    }
}
