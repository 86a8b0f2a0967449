package dev.guestcrypt.agent.cli;

import dev.guestcrypt.agent.error.AgentException;

import java.io.PrintWriter;

/** The one place that turns failures into exit codes and messages (documented in docs/cli.md). */
public final class ExitCodes {
    public static final int OK = 0;
    /** Wrong command-line usage. */
    public static final int USAGE = 64;
    /** Anything unexpected (ADE's unknown_error). */
    public static final int UNEXPECTED = 100;

    private ExitCodes() {}

    public static int report(Throwable e, PrintWriter err) {
        if (e instanceof AgentException agent) {
            err.println("error: " + agent.code().id() + " " + agent.code().name() + ": " + agent.getMessage());
            if (!agent.fix().isEmpty()) {
                err.println("fix: " + agent.fix());
            }
            err.flush();
            return agent.code().exitCode();
        }
        err.println("error: unexpected " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        err.println("fix: report this with the output of 'journalctl -u guestcrypt-agent'");
        err.flush();
        return UNEXPECTED;
    }
}
