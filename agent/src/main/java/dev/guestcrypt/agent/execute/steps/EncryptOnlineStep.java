package dev.guestcrypt.agent.execute.steps;

import dev.guestcrypt.agent.execute.OperationContext;
import dev.guestcrypt.agent.execute.Step;
import dev.guestcrypt.agent.execute.StoppedException;
import dev.guestcrypt.agent.journal.JournalSteps;

/**
 * Encrypts the data while the file system stays mounted from the mapping. LUKS2 journals its own
 * progress in the header, so a crash or a stop here resumes where it was.
 */
public final class EncryptOnlineStep implements Step {
    @Override
    public String name() {
        return JournalSteps.ENCRYPTED;
    }

    @Override
    public boolean reversible() {
        return false;
    }

    @Override
    public void run(OperationContext ctx) {
        if (!ctx.ports().crypto().reencryptionInProgress(ctx.luksPath())) {
            return;
        }
        String mountPoint = ctx.get(OperationContext.MOUNT_POINT);
        boolean finished = ctx.ports().crypto().runOnline(ctx.device(), ctx.header(), ctx.get(OperationContext.MAPPER_NAME),
                ctx.passphrase(),
                (done, total, speed) -> {
                    ctx.progress().update(ctx.volumeKey(), mountPoint, done, total, speed);
                    return !ctx.stopRequested();
                });
        if (!finished) {
            throw new StoppedException("encryption of " + mountPoint + " stopped on request; it resumes on the next start");
        }
    }
}
