package dev.guestcrypt.agent.execute;

/**
 * One step of an operation. {@link #run} must be idempotent: after a crash the step may run again
 * even though it finished (the crash came before its journal record), so it first checks whether
 * its effect is already there.
 */
public interface Step {
    /** The journal name of the step (see {@code JournalSteps}). */
    String name();

    /**
     * Whether a failure in this step, or before it, can still be undone by putting the volume
     * back as it was (true until the LUKS header is written).
     */
    boolean reversible();

    void run(OperationContext context);

    /**
     * Whether the step must be re-asserted when an operation resumes although the journal records
     * it (a reboot can undo its effect: the boot mounts a file system the step had unmounted).
     */
    default boolean reassertOnResume(dev.guestcrypt.agent.journal.OperationHistory history) {
        return false;
    }
}
