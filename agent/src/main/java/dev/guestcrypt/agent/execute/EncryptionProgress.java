package dev.guestcrypt.agent.execute;

/** Progress of an online encryption run; the listener can ask it to stop at the next safe point. */
@FunctionalInterface
public interface EncryptionProgress {
    /**
     * @param doneBytes   bytes encrypted so far
     * @param totalBytes  bytes to encrypt
     * @param bytesPerSec current speed
     * @return false to stop at the next chunk boundary (resumable)
     */
    boolean onProgress(long doneBytes, long totalBytes, double bytesPerSec);
}
