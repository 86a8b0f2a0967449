package dev.guestcrypt.agent.execute.steps;

import dev.guestcrypt.agent.execute.OperationContext;
import dev.guestcrypt.agent.execute.Step;
import dev.guestcrypt.agent.journal.JournalSteps;

/** Mounts the mapping at the same place with the same options: the downtime ends here. */
public final class MountStep implements Step {
    @Override
    public String name() {
        return JournalSteps.MOUNTED;
    }

    @Override
    public boolean reversible() {
        return false;
    }

    /** After a reboot its nofail fstab line may have found the mapping closed. */
    @Override
    public boolean reassertOnResume(dev.guestcrypt.agent.journal.OperationHistory history) {
        return true;
    }

    @Override
    public void run(OperationContext ctx) {
        String mountPoint = ctx.get(OperationContext.MOUNT_POINT);
        if (ctx.ports().mounter().sourceAt(mountPoint).isEmpty()) {
            ctx.ports().mounter().mount(ctx.mapperPath(), mountPoint, ctx.get(OperationContext.FS_TYPE),
                    ctx.get(OperationContext.FSTAB_OPTIONS));
        }
    }
}
