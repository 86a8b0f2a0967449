package dev.guestcrypt.agent.execute.steps;

import dev.guestcrypt.agent.execute.BootSwitch;
import dev.guestcrypt.agent.execute.OperationContext;
import dev.guestcrypt.agent.execute.Step;
import dev.guestcrypt.agent.journal.JournalSteps;

/**
 * Switches crypttab and fstab to the encrypted mapping BEFORE the header is written: from then on
 * a reboot at any point finds a boot configuration that matches the disk (the fstab line is
 * nofail, so a volume whose header is not written yet only stays unmounted until the agent resumes).
 */
public final class SwitchBootConfigStep implements Step {
    @Override
    public String name() {
        return JournalSteps.BOOT_CONFIG_SWITCHED;
    }

    @Override
    public boolean reversible() {
        return true;
    }

    @Override
    public void run(OperationContext ctx) {
        ctx.ports().boot().switchToEncrypted(bootSwitch(ctx));
    }

    public static BootSwitch bootSwitch(OperationContext ctx) {
        return new BootSwitch(ctx.get(OperationContext.MAPPER_NAME), ctx.get(OperationContext.LUKS_UUID),
                ctx.get(OperationContext.MOUNT_POINT), ctx.get(OperationContext.FS_TYPE), ctx.get(OperationContext.FSTAB_OPTIONS),
                ctx.getOr(OperationContext.FSTAB_PASSNO, "0"), ctx.getOr(OperationContext.DEVICE, ctx.device()), ctx.header());
    }
}
