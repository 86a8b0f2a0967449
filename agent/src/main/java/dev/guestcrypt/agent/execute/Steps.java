package dev.guestcrypt.agent.execute;

import dev.guestcrypt.agent.execute.steps.ActivateStep;
import dev.guestcrypt.agent.execute.steps.CheckFilesystemStep;
import dev.guestcrypt.agent.execute.steps.EncryptOnlineStep;
import dev.guestcrypt.agent.execute.steps.EnsureTokenStep;
import dev.guestcrypt.agent.execute.steps.FormatLuksStep;
import dev.guestcrypt.agent.execute.steps.MakeFilesystemStep;
import dev.guestcrypt.agent.execute.steps.InitLuksStep;
import dev.guestcrypt.agent.execute.steps.MountStep;
import dev.guestcrypt.agent.execute.steps.ProtectKeyStep;
import dev.guestcrypt.agent.execute.steps.ShrinkFilesystemStep;
import dev.guestcrypt.agent.execute.steps.SwitchBootConfigStep;
import dev.guestcrypt.agent.execute.steps.UnmountStep;

import java.util.List;

/** The step sequences of the agent's operations. */
public final class Steps {
    private Steps() {}

    /** Online encryption with the header in a file on the OS disk (xfs, which cannot shrink): no check, no shrink. */
    public static List<Step> encryptDetached() {
        return List.of(new ProtectKeyStep(), new UnmountStep(), new SwitchBootConfigStep(), new InitLuksStep(), new ActivateStep(),
                new MountStep(), new EncryptOnlineStep(), new EnsureTokenStep(), new dev.guestcrypt.agent.execute.steps.BackUpHeaderStep());
    }

    /** Online in-place encryption of an ext2/3/4 data volume. */
    public static List<Step> encryptInPlace(ShrinkFilesystemStep.DeviceSize deviceSize) {
        return List.of(new ProtectKeyStep(), new UnmountStep(), new CheckFilesystemStep(), new ShrinkFilesystemStep(deviceSize),
                new SwitchBootConfigStep(), new InitLuksStep(), new ActivateStep(), new MountStep(), new EncryptOnlineStep(),
                new EnsureTokenStep());
    }

    /**
     * A disposable volume formatted encrypted: key stored first, unmounted, boot switched, a new
     * LUKS2 header over the whole device (its data is erased), opened, a new file system, mounted.
     */
    public static List<Step> formatEncrypted() {
        return List.of(new ProtectKeyStep(), new UnmountStep(), new SwitchBootConfigStep(), new FormatLuksStep(), new ActivateStep(),
                new MakeFilesystemStep(), new MountStep());
    }
}
