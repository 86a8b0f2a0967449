package dev.guestcrypt.agent.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Runs the agent service (systemd unit guestcrypt-agent.service).",
                "It carries out the desired state, resumes interrupted encryption after a crash or reboot, opens volumes",
                "whose boot unlock failed once the vault answers, and keeps /var/lib/guestcrypt/status.json.",
                "SIGTERM stops it at the next chunk boundary; the work resumes on the next start."})
final class DaemonCommand implements Callable<Integer> {
    private final CliContext context;

    DaemonCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        return context.daemon().run();
    }
}
