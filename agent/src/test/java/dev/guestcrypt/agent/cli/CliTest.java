package dev.guestcrypt.agent.cli;

import dev.guestcrypt.agent.daemon.Daemon;
import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.ExecuteError;
import dev.guestcrypt.agent.service.AgentService;
import dev.guestcrypt.agent.service.UnlockService;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** A context whose parts must not be needed: option errors are found before anything is built. */
    private static final CliContext UNUSED = new CliContext() {
        @Override
        public AgentService agent() {
            throw new AgentException(ExecuteError.COMMAND_FAILED, "agent not available in this test", "none");
        }

        @Override
        public UnlockService unlock() {
            throw new AgentException(ExecuteError.UNLOCK_FAILED, "the vault is unreachable", "try later");
        }

        @Override
        public Daemon daemon() {
            throw new IllegalStateException("boom");
        }
    };

    private int run(String... args) {
        return GuestcryptCommand.execute(UNUSED, args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void helpListsEveryCommand() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("plan", "encrypt", "status", "unlock", "daemon");
        assertThat(run("encrypt", "--help")).isZero();
        assertThat(out.toString()).contains("--volume-type", "--key-vault", "--kek-algorithm", "--identity", "--volumes", "--wait");
    }

    @Test
    void usageErrorsExit64WithAFix() {
        assertThat(run("encrypt", "--key-vault", "https://v.vault.azure.net")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--volume-type").contains("fix: see 'guestcrypt encrypt --help'");
        assertThat(run("unlock")).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void agentErrorsMapToTheirExitCodeAndUnexpectedOnesTo100() {
        assertThat(run("unlock", "--name", "gc-data")).isEqualTo(ExecuteError.UNLOCK_FAILED.exitCode());
        assertThat(err.toString()).contains("error: GC3012 UNLOCK_FAILED: the vault is unreachable").contains("fix: try later");
        assertThat(run("daemon")).isEqualTo(ExitCodes.UNEXPECTED);
        assertThat(err.toString()).contains("unexpected IllegalStateException: boom");
    }

    @Test
    void formattingNeedsAnExplicitYesAndChangesNothingWithoutIt() {
        assertThat(run("encrypt", "--volume-type", "data", "--key-vault", "https://v.vault.azure.net", "--format", "/dev/sdc1"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("erase the data").contains("nothing was changed").contains("add --yes");
        assertThat(err.toString()).doesNotContain("agent not available"); // refused before anything was built
        assertThat(run("encrypt", "--volume-type", "data", "--key-vault", "https://v.vault.azure.net", "--format", "/dev/sdc1",
                "--format-all", "--yes")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("mutually exclusive");
    }

    @CommandLine.Command
    static final class WithFormatOptions {
        @CommandLine.Mixin
        FormatOptions options = new FormatOptions();
    }

    @Test
    void formatOptionsBecomeAdesOperationAndDiskFormatQuery() {
        Map<String, Object> request = new LinkedHashMap<>();
        WithFormatOptions host = new WithFormatOptions();
        new CommandLine(host).parseArgs("--format", "/dev/sdc1,/dev/disk/azure/scsi1/lun2");
        host.options.applyTo(request);
        assertThat(request).containsEntry("EncryptionOperation", "EnableEncryptionFormat")
                .containsEntry("DiskFormatQuery", List.of(Map.of("dev", "/dev/sdc1"), Map.of("dev", "/dev/disk/azure/scsi1/lun2")));
        Map<String, Object> none = new LinkedHashMap<>();
        new FormatOptions().applyTo(none);
        assertThat(none).containsExactly(Map.entry("EncryptionOperation", "EnableEncryption"));
    }
}
