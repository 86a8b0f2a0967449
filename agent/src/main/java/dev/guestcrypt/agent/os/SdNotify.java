package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.execute.Command;
import dev.guestcrypt.agent.execute.CommandRunner;

import java.time.Duration;
import java.util.Map;

/**
 * Tells systemd about the daemon (READY, STATUS, WATCHDOG, STOPPING) through systemd-notify with
 * the daemon's pid (the unit allows notifications from children: NotifyAccess=all). The JDK has no
 * Unix datagram sockets, which $NOTIFY_SOCKET needs. A no-op outside systemd.
 */
public final class SdNotify {
    private final CommandRunner runner;
    private final boolean enabled;
    private final long pid = ProcessHandle.current().pid();

    public SdNotify(CommandRunner runner, Map<String, String> environment) {
        this.runner = runner;
        this.enabled = environment.get("NOTIFY_SOCKET") != null;
    }

    /** True when systemd started this process as a notify service ($NOTIFY_SOCKET is set). */
    public boolean enabled() {
        return enabled;
    }

    /** The watchdog interval systemd asked for, if any. */
    public static Duration watchdogInterval(Map<String, String> environment) {
        String usec = environment.get("WATCHDOG_USEC");
        try {
            return usec == null ? Duration.ZERO : Duration.ofNanos(Long.parseLong(usec) * 1000);
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
    }

    public void ready() {
        send("READY=1");
    }

    public void status(String text) {
        send("STATUS=" + text.replace('\n', ' '));
    }

    public void watchdog() {
        send("WATCHDOG=1");
    }

    public void stopping() {
        send("STOPPING=1");
    }

    private void send(String message) {
        if (enabled) {
            runner.run(Command.of(Duration.ofSeconds(10), "systemd-notify", "--pid=" + pid, message));
        }
    }
}
