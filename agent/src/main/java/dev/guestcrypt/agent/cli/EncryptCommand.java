package dev.guestcrypt.agent.cli;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.Outcome;
import dev.guestcrypt.agent.service.AgentService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

@Command(name = "encrypt", mixinStandardHelpOptions = true,
        description = {"Encrypts the mounted data volumes online, keeping their data.",
                "Each volume is offline for a few seconds only (unmount, check, shrink by 32 MiB for ext2/3/4 or a header",
                "file for xfs, LUKS2 header, mount again from /dev/mapper/gc-<label>); the data is then encrypted while in",
                "use. The passphrase is stored in Key Vault and read back before any byte is changed. The request is",
                "recorded in /etc/guestcrypt/desired.json; a running daemon carries it out, otherwise this command does.",
                "Interrupted work resumes on the next start."})
final class EncryptCommand implements Callable<Integer> {
    private final CliContext context;
    @Spec
    CommandSpec spec;
    @Option(names = "--volume-type", required = true, paramLabel = "TYPE", description = "data (OS volumes are not supported yet).")
    String volumeType;
    @Option(names = "--key-vault", required = true, paramLabel = "URL", description = "Vault for the passphrases, e.g. https://myvault.vault.azure.net.")
    String keyVault;
    @Option(names = "--kek", paramLabel = "URL", description = "Key-encryption key that wraps each passphrase: https://<vault>/keys/<name>[/<version>].")
    String kek;
    @Option(names = "--kek-algorithm", paramLabel = "ALG", description = "RSA-OAEP (default), RSA-OAEP-256 or RSA1_5.")
    String kekAlgorithm;
    @Option(names = "--identity", paramLabel = "ID", description = "system (default), client_id=<guid>, object_id=<guid> or mi_res_id=<resource id>.")
    String identity;
    @Option(names = "--volumes", split = ",", paramLabel = "MOUNTPOINT", description = "Only these mount points, e.g. /data,/srv.")
    List<String> volumes;
    @Option(names = "--wait", description = "Follow the work until every volume is encrypted (or failed).")
    boolean waitForEnd;
    @Mixin
    FormatOptions format = new FormatOptions();
    @Option(names = "--yes", description = "Confirms that --format or --format-all may erase data (see 'guestcrypt plan' with the same options).")
    boolean yes;

    EncryptCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (format.erases() && !yes) {
            spec.commandLine().getErr().println("error: --format and --format-all erase the data of the volumes they name; nothing was changed");
            spec.commandLine().getErr().println("fix: see what would be erased with 'guestcrypt plan' and the same options, then add --yes");
            return ExitCodes.USAGE;
        }
        Map<String, Object> request = new LinkedHashMap<>();
        format.applyTo(request);
        request.put("VolumeType", volumeType);
        request.put("KeyVaultURL", keyVault);
        if (kek != null) {
            request.put("KeyEncryptionKeyURL", kek);
        }
        if (kekAlgorithm != null) {
            request.put("KeyEncryptionAlgorithm", kekAlgorithm);
        }
        if (identity != null && !identity.equalsIgnoreCase("system")) {
            request.put("EncryptionManagedIdentity", identity);
        }
        if (volumes != null) {
            request.put("Volumes", volumes);
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread hook = new Thread(() -> stop.set(true));
        Runtime.getRuntime().addShutdownHook(hook);
        ProgressPrinter printer = new ProgressPrinter(spec.commandLine().getOut(), System.console() != null);
        AgentService.EncryptResult result = context.agent().encrypt(request, waitForEnd, printer, stop::get);
        if (result.handedToDaemon() && !waitForEnd) {
            printer.say("follow it with: guestcrypt status --watch");
            return 0;
        }
        AgentException firstError = null;
        for (Outcome o : result.outcomes()) {
            switch (o.result()) {
                case DONE -> {
                    if (!result.handedToDaemon()) { // the daemon's volumes were reported as each finished
                        printer.say(mountPoint(result, o.volumeKey()) + ": encrypted");
                    }
                }
                case STOPPED -> printer.say("stopped; it resumes when the agent starts again");
                default -> {
                    printer.say((o.result() == Outcome.Result.ABANDONED ? "not encrypted (put back as it was): " : "failed: ")
                            + o.error().describe());
                    firstError = firstError == null ? o.error() : firstError;
                }
            }
        }
        if (firstError != null) {
            throw firstError;
        }
        if (volumes != null && !volumes.isEmpty() && !result.plan().refusals().isEmpty()) {
            // A volume the user named was refused: the others were done, but the request was not.
            var refusal = result.plan().refusals().get(0).refusal();
            throw new AgentException(refusal.code(), refusal.problem(), refusal.fix());
        }
        return 0;
    }

    private static String mountPoint(AgentService.EncryptResult result, String volumeKey) {
        return result.plan().volumes().stream().filter(v -> v.volumeKey().equals(volumeKey)).map(v -> v.mountPoint())
                .findFirst().orElse(volumeKey);
    }
}
