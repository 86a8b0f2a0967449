package dev.guestcrypt.agent.execute;

/** An operation stopped on request at a safe point; the next pass resumes it. Not a failure. */
public final class StoppedException extends RuntimeException {
    public StoppedException(String message) {
        super(message);
    }
}
