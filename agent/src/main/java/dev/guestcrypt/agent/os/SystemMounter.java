package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.Command;
import dev.guestcrypt.agent.execute.CommandResult;
import dev.guestcrypt.agent.execute.CommandRunner;
import dev.guestcrypt.agent.execute.ExecuteError;
import dev.guestcrypt.agent.execute.Mounter;
import dev.guestcrypt.agent.inventory.MountEntry;
import dev.guestcrypt.agent.inventory.MountInfoParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** mount(8) and umount(8); the mount table from /proc/self/mountinfo. */
public final class SystemMounter implements Mounter {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private final CommandRunner runner;
    private final Path mountInfo;
    private final Duration busyPatience;

    /**
     * @param busyPatience how long to retry an unmount while the volume is busy (programs that
     *                     open and close files briefly let go quickly; others are refused)
     */
    public SystemMounter(CommandRunner runner, Path mountInfo, Duration busyPatience) {
        this.runner = runner;
        this.mountInfo = mountInfo;
        this.busyPatience = busyPatience;
    }

    @Override
    public Optional<String> sourceAt(String mountPoint) {
        return mounts().stream().filter(m -> m.mountPoint().equals(mountPoint)).reduce((a, b) -> b).map(MountEntry::source);
    }

    public List<MountEntry> mounts() {
        try {
            return MountInfoParser.parse(Files.readString(mountInfo));
        } catch (IOException e) {
            throw new AgentException(ExecuteError.COMMAND_FAILED, "cannot read " + mountInfo + ": " + e.getMessage(), "check /proc is mounted");
        }
    }

    @Override
    public void unmount(String mountPoint) {
        long deadline = System.nanoTime() + busyPatience.toNanos();
        CommandResult r;
        do {
            r = runner.run(Command.of(TIMEOUT, "umount", mountPoint));
            if (r.ok() || sourceAt(mountPoint).isEmpty()) {
                return;
            }
            sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AgentException(ExecuteError.VOLUME_BUSY, mountPoint + " is in use and cannot be unmounted for the short switch to"
                + " encryption (" + r.lastLine() + "); nothing was changed",
                "stop the programs using it (list them with: fuser -vm " + mountPoint + "), then run the encryption again");
    }

    @Override
    public void mount(String source, String mountPoint, String fsType, String options) {
        Commands.require(runner, Command.of(TIMEOUT, "mount", "-t", fsType, "-o", options, source, mountPoint), ExecuteError.MOUNT_FAILED,
                "look at 'dmesg' for the reason, then mount it by hand: mount " + source + " " + mountPoint);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
