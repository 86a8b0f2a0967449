package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.execute.BootUnits;
import dev.guestcrypt.agent.execute.Command;
import dev.guestcrypt.agent.execute.CommandResult;
import dev.guestcrypt.agent.execute.CommandRunner;

import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * After the daemon opens a volume whose boot unlock failed: starts guestcrypt-unlock@NAME again (it
 * checks that the mapping is open and succeeds), then starts each mount unit, so systemd's state matches.
 */
public final class SystemctlUnits implements BootUnits {
    private static final Logger LOG = Logger.getLogger(SystemctlUnits.class.getName());
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private final CommandRunner runner;

    public SystemctlUnits(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public void startAfterUnlock(String mapperName, List<String> mountPoints) {
        String unit = "guestcrypt-unlock@" + mapperName + ".service";
        runner.run(Command.of(TIMEOUT, "systemctl", "reset-failed", unit));
        // --no-block: the unlock unit runs this agent again, which must not wait on itself.
        runner.run(Command.of(TIMEOUT, "systemctl", "start", "--no-block", unit));
        for (String mountPoint : mountPoints) {
            CommandResult name = runner.run(Command.of(TIMEOUT, "systemd-escape", "-p", "--suffix=mount", mountPoint));
            CommandResult started = name.ok() ? runner.run(Command.of(TIMEOUT, "systemctl", "start", name.stdout().trim())) : name;
            if (!started.ok()) {
                CommandResult mounted = runner.run(Command.of(TIMEOUT, "mount", mountPoint));
                if (!mounted.ok()) {
                    LOG.warning(() -> "cannot mount " + mountPoint + " after opening " + mapperName + ": " + mounted.lastLine());
                }
            }
        }
    }
}
