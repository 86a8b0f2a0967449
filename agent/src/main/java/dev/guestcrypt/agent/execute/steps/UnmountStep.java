package dev.guestcrypt.agent.execute.steps;

import dev.guestcrypt.agent.execute.OperationContext;
import dev.guestcrypt.agent.execute.Step;
import dev.guestcrypt.agent.journal.JournalSteps;

/** Unmounts the file system (the short downtime starts here). Kills nothing: a busy volume is refused. */
public final class UnmountStep implements Step {
    @Override
    public String name() {
        return JournalSteps.UNMOUNTED;
    }

    @Override
    public boolean reversible() {
        return true;
    }

    /** A reboot before the header is written (or the device formatted) mounts the plain file system again. */
    @Override
    public boolean reassertOnResume(dev.guestcrypt.agent.journal.OperationHistory history) {
        return !history.has(JournalSteps.LUKS_INITIALISED) && !history.has(JournalSteps.LUKS_FORMATTED);
    }

    @Override
    public void run(OperationContext ctx) {
        String mountPoint = ctx.get(OperationContext.MOUNT_POINT);
        // Anything but our own mapping (an LVM volume is a /dev/mapper path too): once the
        // mapping is mounted there, the downtime is over.
        if (ctx.ports().mounter().sourceAt(mountPoint).filter(source -> !source.equals(ctx.mapperPath())).isPresent()) {
            ctx.ports().mounter().unmount(mountPoint);
        }
    }
}
