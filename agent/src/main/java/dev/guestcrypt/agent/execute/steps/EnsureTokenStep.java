package dev.guestcrypt.agent.execute.steps;

import dev.guestcrypt.agent.execute.OperationContext;
import dev.guestcrypt.agent.execute.Step;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.keys.KeyTokenCodec;

/** Makes sure the finished volume's header carries the key token (added late if the header was written without it). */
public final class EnsureTokenStep implements Step {
    @Override
    public String name() {
        return JournalSteps.TOKEN_ENSURED;
    }

    @Override
    public boolean reversible() {
        return false;
    }

    @Override
    public void run(OperationContext ctx) {
        String token = ctx.get(OperationContext.TOKEN);
        String type = KeyTokenCodec.fromJson(token).type();
        if (ctx.ports().crypto().tokens(ctx.luksPath()).stream().noneMatch(t -> KeyTokenCodec.hasType(t, type))) {
            ctx.ports().crypto().addToken(ctx.luksPath(), token);
        }
    }
}
