package dev.guestcrypt.agent.execute.steps;

import dev.guestcrypt.agent.execute.OperationContext;
import dev.guestcrypt.agent.execute.Step;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.keys.KeyTokenCodec;
import dev.guestcrypt.agent.plan.Planner;

/**
 * Writes the LUKS2 header (data shifted to make room, encryption initialised, not run) and the
 * guestcrypt token that says where the passphrase lives. From here on the change is not undone:
 * it is finished.
 */
public final class InitLuksStep implements Step {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(InitLuksStep.class.getName());
    @Override
    public String name() {
        return JournalSteps.LUKS_INITIALISED;
    }

    @Override
    public boolean reversible() {
        return false;
    }

    @Override
    public void run(OperationContext ctx) {
        String uuid = ctx.get(OperationContext.LUKS_UUID);
        String token = ctx.get(OperationContext.TOKEN);
        if (!ctx.ports().crypto().hasLuksHeader(ctx.luksPath(), uuid)) {
            if (ctx.header() != null) {
                ctx.ports().crypto().initEncryptDetached(ctx.device(), ctx.header(), uuid, ctx.passphrase(), token);
            } else {
                ctx.ports().crypto().initEncryptInPlace(ctx.device(), uuid, Planner.HEADER_ROOM_BYTES, ctx.passphrase(), token);
            }
        }
        String type = KeyTokenCodec.fromJson(token).type();
        boolean present = ctx.ports().crypto().tokens(ctx.luksPath()).stream().anyMatch(t -> KeyTokenCodec.hasType(t, type));
        if (!present && !ctx.ports().crypto().reencryptionInProgress(ctx.luksPath())) {
            ctx.ports().crypto().addToken(ctx.luksPath(), token);
        } else if (!present) {
            // A header written without the token (older agent): LUKS2 takes new tokens only once the
            // encryption finished; until then the journal's copy of the token opens the volume.
            LOG.warning(() -> ctx.luksPath() + " has no guestcrypt token yet; it is added when the encryption finishes");
        }
    }
}
