package dev.guestcrypt.agent.execute.steps;

import dev.guestcrypt.agent.execute.OperationContext;
import dev.guestcrypt.agent.execute.Step;
import dev.guestcrypt.agent.journal.JournalSteps;

/** Opens the volume as {@code /dev/mapper/gc-<label>}. */
public final class ActivateStep implements Step {
    @Override
    public String name() {
        return JournalSteps.ACTIVATED;
    }

    @Override
    public boolean reversible() {
        return false;
    }

    /** After a reboot the boot unit may not have opened it (vault down, token not yet in the header). */
    @Override
    public boolean reassertOnResume(dev.guestcrypt.agent.journal.OperationHistory history) {
        return true;
    }

    @Override
    public void run(OperationContext ctx) {
        String name = ctx.get(OperationContext.MAPPER_NAME);
        if (!ctx.ports().crypto().isActive(name)) {
            ctx.ports().crypto().activate(ctx.device(), ctx.header(), name, ctx.passphrase());
        }
    }
}
