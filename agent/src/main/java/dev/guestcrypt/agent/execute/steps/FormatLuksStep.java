package dev.guestcrypt.agent.execute.steps;

import dev.guestcrypt.agent.execute.OperationContext;
import dev.guestcrypt.agent.execute.Step;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.keys.KeyTokenCodec;

/**
 * Formats the whole device as LUKS2 with the key token in the header. The volume's old data is
 * gone from here on, so the step cannot be undone; run again after a crash, it leaves a complete
 * header of this operation alone and rewrites an incomplete one.
 */
public final class FormatLuksStep implements Step {
    @Override
    public String name() {
        return JournalSteps.LUKS_FORMATTED;
    }

    @Override
    public boolean reversible() {
        return false;
    }

    @Override
    public void run(OperationContext ctx) {
        String uuid = ctx.get(OperationContext.LUKS_UUID);
        String token = ctx.get(OperationContext.TOKEN);
        String type = KeyTokenCodec.fromJson(token).type();
        boolean complete = ctx.ports().crypto().hasLuksHeader(ctx.device(), uuid)
                && ctx.ports().crypto().tokens(ctx.device()).stream().anyMatch(t -> KeyTokenCodec.hasType(t, type));
        if (!complete) {
            ctx.ports().crypto().formatEncrypted(ctx.device(), uuid, ctx.passphrase(), token);
        }
    }
}
