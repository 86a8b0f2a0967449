package dev.guestcrypt.agent.execute;

/** Where running operations report progress (status file, CLI). */
public interface ProgressSink {
    void update(String volumeKey, String mountPoint, long doneBytes, long totalBytes, double bytesPerSec);

    ProgressSink NONE = (k, m, d, t, s) -> { };
}
