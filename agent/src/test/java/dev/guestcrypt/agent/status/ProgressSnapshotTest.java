package dev.guestcrypt.agent.status;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressSnapshotTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @Test
    void etaIsTheBytesLeftAtTheCurrentSpeed() {
        ProgressSnapshot p = new ProgressSnapshot("k", "/srv", 64L << 20, 512L << 20, 4.0 * (1 << 20), NOW);
        assertEquals(112, p.etaSeconds());
        assertEquals(12.5, p.percent(), 1e-9);
    }

    @Test
    void aSnapshotRebuiltFromTheStatusFileKeepsPercentSpeedAndEta() {
        // A 512 MiB volume at 13.3 % and 4.6 MiB/s has about 96 s left; the status line says so.
        VolumeStatus line = new VolumeStatus("/srv/data1", "/dev/sdc", "gc-data1", VolumeState.ENCRYPTION_IN_PROGRESS, 13.3, 4.6, 96, "", "");
        ProgressSnapshot p = ProgressSnapshot.fromStatus("", line, NOW);
        assertEquals(96, p.etaSeconds());
        assertEquals(13.3, p.percent(), 0.01);
        assertEquals(4.6, p.bytesPerSec() / (1 << 20), 1e-9);
    }

    @Test
    void anUnknownEtaStaysUnknownWhenRebuilt() {
        VolumeStatus line = new VolumeStatus("/srv", "/dev/sdc", "gc-srv", VolumeState.ENCRYPTION_IN_PROGRESS, 40, 0, -1, "", "");
        ProgressSnapshot p = ProgressSnapshot.fromStatus("", line, NOW);
        assertEquals(-1, p.etaSeconds());
        assertEquals(40, p.percent(), 0.01);
    }

    @Test
    void aFinishedVolumeHasNothingLeft() {
        VolumeStatus line = new VolumeStatus("/srv", "/dev/sdc", "gc-srv", VolumeState.ENCRYPTION_IN_PROGRESS, 100, 5, 0, "", "");
        assertEquals(0, ProgressSnapshot.fromStatus("", line, NOW).etaSeconds());
    }
}
