package dev.guestcrypt.agent.cli;

import dev.guestcrypt.agent.status.Status;
import dev.guestcrypt.agent.status.StatusJson;
import dev.guestcrypt.agent.status.VolumeStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the encryption state of each data volume.",
                "States: NotEncrypted, EncryptionInProgress, Encrypted, EncryptionFailed, Locked, NotMounted; with progress",
                "(percent, MiB/s, time left), the last error, and ADE's {os, data} summary."})
final class StatusCommand implements Callable<Integer> {
    private final CliContext context;
    @Spec
    CommandSpec spec;
    @Option(names = "--json", description = "Print JSON (the same shape as /var/lib/guestcrypt/status.json).")
    boolean json;
    @Option(names = "--watch", description = "Print again every 2 seconds until interrupted.")
    boolean watch;

    StatusCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        do {
            Status status = context.agent().status();
            if (json) {
                out.print(StatusJson.toJson(status));
            } else {
                out.println("os: " + status.os() + "   data: " + status.data());
                for (VolumeStatus v : status.volumes()) {
                    StringBuilder line = new StringBuilder(String.format("%-20s %-28s %s", v.mountPoint().isEmpty() ? "-" : v.mountPoint(),
                            v.device() + (v.mapperName().isEmpty() ? "" : " -> " + v.mapperName()), v.state().adeName()));
                    if (v.percent() >= 0 && v.percent() < 100) {
                        line.append(String.format("  %.1f%%  %.1f MiB/s  ETA %s", v.percent(), v.mibPerSec(), ProgressPrinter.eta(v.etaSeconds())));
                    }
                    if (!v.error().isEmpty()) {
                        line.append("  last error: ").append(v.error());
                    }
                    out.println(line);
                }
            }
            out.flush();
            if (watch) {
                Thread.sleep(2000);
            }
        } while (watch);
        return 0;
    }
}
