package dev.guestcrypt.nativebind.luks;

/**
 * Receives progress on the thread running the re-encryption, once before the first step and after
 * every hotzone. Returning {@link Decision#STOP} ends the run cleanly after the current hotzone is
 * committed; the run can be resumed later. Must be quick and must not throw (a throw is treated
 * as STOP).
 */
@FunctionalInterface
public interface ProgressListener {
    enum Decision { CONTINUE, STOP }

    Decision onProgress(Progress progress);

    static ProgressListener none() {
        return progress -> Decision.CONTINUE;
    }
}
