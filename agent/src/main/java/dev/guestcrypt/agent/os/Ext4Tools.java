package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.Command;
import dev.guestcrypt.agent.execute.CommandResult;
import dev.guestcrypt.agent.execute.CommandRunner;
import dev.guestcrypt.agent.execute.ExecuteError;
import dev.guestcrypt.agent.execute.FilesystemTool;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** e2fsprogs (e2fsck, resize2fs, mkfs.ext4; the size from the superblock), mkfs.xfs for the format flow, blkid. */
public final class Ext4Tools implements FilesystemTool {
    private static final Duration LONG = Duration.ofHours(2);
    private final CommandRunner runner;

    public Ext4Tools(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public void check(String device) {
        // -p repairs only what is safe without a human; exit 1 and 2 mean "fixed".
        CommandResult r = runner.run(Command.of(LONG, "e2fsck", "-f", "-p", device));
        // Exit 8 (operational error) right after the unmount is usually a short-lived holder
        // (udev probing the device): settle and try again before giving up.
        for (int attempt = 1; attempt < 4 && !r.timedOut() && (r.exitCode() & 8) != 0; attempt++) {
            runner.run(Command.of(Duration.ofSeconds(30), "udevadm", "settle"));
            sleep(1000L * attempt);
            r = runner.run(Command.of(LONG, "e2fsck", "-f", "-p", device));
        }
        if (!r.timedOut() && (r.exitCode() & 8) != 0) {
            throw new AgentException(ExecuteError.FILESYSTEM_CHECK_FAILED, "e2fsck could not check " + device
                    + " (exit " + r.exitCode() + ", the device may still be mounted or in use): " + r.lastLine(),
                    "make sure nothing holds " + device + " (findmnt " + device + "; fuser -vm " + device + "), then run the encryption again");
        }
        if (r.timedOut() || r.exitCode() < 0 || r.exitCode() > 2) {
            throw new AgentException(ExecuteError.FILESYSTEM_CHECK_FAILED, "the file system on " + device
                    + " has errors that e2fsck will not fix unattended (exit " + r.exitCode() + "): " + r.lastLine(),
                    "run 'e2fsck -f " + device + "' by hand, then run the encryption again (the volume was mounted back)");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public long sizeBytes(String device) {
        try {
            return Ext4Superblock.sizeBytes(Path.of(device));
        } catch (IOException | IllegalArgumentException e) {
            throw new AgentException(ExecuteError.SHRINK_FAILED, "cannot read the file system size of " + device + ": " + e.getMessage(),
                    "check that " + device + " holds an ext2/3/4 file system (dumpe2fs -h " + device + ")", e);
        }
    }

    @Override
    public void shrink(String device, long newSizeBytes) {
        Commands.require(runner, Command.of(LONG, "resize2fs", device, (newSizeBytes / 1024) + "K"), ExecuteError.SHRINK_FAILED,
                "free some space on the volume (it must shrink by 32 MiB) and run the encryption again");
    }

    @Override
    public void growToDevice(String device) {
        Commands.require(runner, Command.of(LONG, "resize2fs", device), ExecuteError.SHRINK_FAILED,
                "run 'resize2fs " + device + "' by hand to give the file system its full size back");
    }

    @Override
    public String typeOn(String device) {
        // -p probes the device itself (no cache); exit 2 means no signature was found.
        CommandResult r = runner.run(Command.of(Duration.ofMinutes(2), "blkid", "-p", "-o", "value", "-s", "TYPE", device));
        if (r.exitCode() == 2 && !r.timedOut()) {
            return "";
        }
        if (!r.ok()) {
            throw new AgentException(ExecuteError.COMMAND_FAILED, "blkid could not probe " + device + " (exit " + r.exitCode() + "): "
                    + r.lastLine(), "check that " + device + " exists and is readable");
        }
        return r.stdout().trim();
    }

    @Override
    public void make(String device, String fsType, String label) {
        java.util.List<String> argv = new java.util.ArrayList<>(switch (fsType) {
            case "ext4" -> java.util.List.of("mkfs.ext4", "-q", "-F");
            case "xfs" -> java.util.List.of("mkfs.xfs", "-q", "-f");
            default -> throw new AgentException(ExecuteError.MKFS_FAILED, "cannot make a " + fsType + " file system on " + device,
                    "use ext4 or xfs");
        });
        if (!label.isEmpty()) {
            argv.add("-L");
            argv.add(label);
        }
        argv.add(device);
        Commands.require(runner, Command.of(LONG, argv.toArray(String[]::new)), ExecuteError.MKFS_FAILED,
                "check the kernel log for I/O errors on " + device + "; the operation retries on the next pass");
    }
}
