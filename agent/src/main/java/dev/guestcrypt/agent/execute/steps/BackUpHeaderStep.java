package dev.guestcrypt.agent.execute.steps;

import dev.guestcrypt.agent.execute.OperationContext;
import dev.guestcrypt.agent.execute.Step;
import dev.guestcrypt.agent.journal.JournalSteps;

/**
 * A detached header is the only way into its volume: once the encryption is finished (the header
 * no longer changes with every chunk), keep a second copy next to it.
 */
public final class BackUpHeaderStep implements Step {
    public static final String SUFFIX = ".bak";

    @Override
    public String name() {
        return JournalSteps.HEADER_BACKED_UP;
    }

    @Override
    public boolean reversible() {
        return false;
    }

    @Override
    public void run(OperationContext ctx) {
        if (ctx.header() != null) {
            ctx.ports().crypto().backupHeader(ctx.header(), ctx.header() + SUFFIX);
        }
    }
}
