package dev.guestcrypt.agent.cli;

import dev.guestcrypt.agent.daemon.Daemon;
import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.ExecuteError;
import dev.guestcrypt.agent.service.AgentService;
import dev.guestcrypt.agent.service.UnlockService;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

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
}
