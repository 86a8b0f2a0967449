package dev.guestcrypt.agent.execute;

import dev.guestcrypt.agent.error.AgentException;

/** How an operation pass ended. */
public record Outcome(String operation, String volumeKey, Result result, AgentException error) {
    public enum Result {
        /** The volume is fully encrypted. */
        DONE,
        /** Stopped on request at a safe point; resumes on the next pass. */
        STOPPED,
        /** A step failed after the point of no return; the next pass retries from that step. */
        FAILED,
        /** A step failed early and the volume was put back as it was. */
        ABANDONED
    }
}
