package dev.guestcrypt.agent.execute.steps;

import dev.guestcrypt.agent.execute.OperationContext;
import dev.guestcrypt.agent.execute.Step;
import dev.guestcrypt.agent.journal.JournalSteps;

/** A full file-system check, which resize2fs requires before shrinking. */
public final class CheckFilesystemStep implements Step {
    @Override
    public String name() {
        return JournalSteps.FILESYSTEM_CHECKED;
    }

    @Override
    public boolean reversible() {
        return true;
    }

    /**
     * A reboot before the shrink mounts the file system again, and resize2fs refuses one mounted
     * since its last full check: check again whenever the unmount had to be repeated.
     */
    @Override
    public boolean reassertOnResume(dev.guestcrypt.agent.journal.OperationHistory history) {
        return !history.has(JournalSteps.FILESYSTEM_SHRUNK);
    }

    @Override
    public void run(OperationContext ctx) {
        ctx.ports().filesystem().check(ctx.device());
    }
}
