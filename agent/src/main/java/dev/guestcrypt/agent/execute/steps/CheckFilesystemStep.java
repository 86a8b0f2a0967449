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

    @Override
    public void run(OperationContext ctx) {
        ctx.ports().filesystem().check(ctx.device());
    }
}
