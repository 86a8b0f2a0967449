package dev.guestcrypt.nativebind.luks;

import com.sun.jna.Pointer;
import dev.guestcrypt.nativebind.jna.LibCryptsetup;

/** Adapts the native progress callback to a {@link ProgressListener}; nothing unwinds into C. */
final class ProgressBridge implements LibCryptsetup.ProgressCallback {
    private final ProgressListener listener;
    private final long startNanos = System.nanoTime();
    private long firstOffset = -1;
    private boolean stopRequested;
    private Throwable listenerFailure;

    ProgressBridge(ProgressListener listener) {
        this.listener = listener;
    }

    @Override
    public int invoke(long size, long offset, Pointer usrptr) {
        try {
            if (firstOffset < 0) {
                firstOffset = offset;
            }
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            double rate = seconds > 0 ? (offset - firstOffset) / seconds : 0;
            if (listener.onProgress(new Progress(offset, size, rate)) == ProgressListener.Decision.STOP) {
                stopRequested = true;
            }
        } catch (Throwable t) {
            listenerFailure = t;
            stopRequested = true;
        }
        return stopRequested ? 1 : 0;
    }

    boolean stopRequested() {
        return stopRequested;
    }

    void rethrowListenerFailure() {
        if (listenerFailure instanceof RuntimeException) {
            throw (RuntimeException) listenerFailure;
        }
        if (listenerFailure instanceof Error) {
            throw (Error) listenerFailure;
        }
        if (listenerFailure != null) {
            throw new IllegalStateException("progress listener failed; the run stopped cleanly", listenerFailure);
        }
    }
}
