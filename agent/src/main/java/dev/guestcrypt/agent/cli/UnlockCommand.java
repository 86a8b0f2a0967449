package dev.guestcrypt.agent.cli;

import dev.guestcrypt.agent.service.Listener;
import dev.guestcrypt.agent.status.ProgressSnapshot;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "unlock", mixinStandardHelpOptions = true,
        description = {"Opens encrypted volumes with their passphrase from Key Vault.",
                "The vault, secret and key-encryption key are read from the volume's LUKS2 token.",
                "At boot, guestcrypt-unlock.service runs 'unlock --all --wait': one process for every volume."})
final class UnlockCommand implements Callable<Integer> {
    private final CliContext context;
    @Spec
    CommandSpec spec;
    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;
    @Option(names = "--wait", description = "Retry the vault with growing pauses, up to unlockWaitSeconds of agent.json (default 120 s).")
    boolean waitForVault;

    static final class Target {
        @Option(names = "--name", paramLabel = "NAME", description = "Mapper name from /etc/crypttab, e.g. gc-data.")
        String name;
        @Option(names = "--all", description = "Every guestcrypt volume in /etc/crypttab.")
        boolean all;
    }

    UnlockCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        Listener listener = new Listener() {
            @Override
            public void say(String line) {
                out.println(line);
                out.flush();
            }

            @Override
            public void progress(ProgressSnapshot snapshot) { }
        };
        if (target.all) {
            List<String> failed = context.agent().unlockAll(waitForVault, listener);
            return failed.isEmpty() ? 0 : dev.guestcrypt.agent.service.ServiceError.UNLOCK_GAVE_UP.exitCode();
        }
        context.unlock().unlock(target.name, waitForVault, listener);
        return 0;
    }
}
