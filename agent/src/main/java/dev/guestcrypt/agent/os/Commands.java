package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.error.ErrorCode;
import dev.guestcrypt.agent.execute.Command;
import dev.guestcrypt.agent.execute.CommandResult;
import dev.guestcrypt.agent.execute.CommandRunner;
import dev.guestcrypt.agent.execute.ExecuteError;

/** Runs a command that must succeed, turning a failure into a clear error. */
final class Commands {
    private Commands() {}

    static CommandResult require(CommandRunner runner, Command command, ErrorCode code, String fix) {
        CommandResult result = runner.run(command);
        if (result.timedOut()) {
            throw new AgentException(ExecuteError.COMMAND_TIMED_OUT, "'" + command.display() + "' did not finish within "
                    + command.timeout().toSeconds() + " s", fix);
        }
        if (!result.ok()) {
            throw new AgentException(code, "'" + command.display() + "' failed (exit " + result.exitCode() + "): " + result.lastLine(), fix);
        }
        return result;
    }
}
