package dev.guestcrypt.agent.execute;

/** Runs programs with a timeout; the only way the agent starts other programs. */
public interface CommandRunner {
    CommandResult run(Command command);

    /**
     * Runs {@code command}, handing each line of its standard output to {@code lines} as it comes.
     * When {@code lines} returns false the program is asked to stop (SIGTERM) and awaited.
     */
    CommandResult stream(Command command, LineListener lines);

    @FunctionalInterface
    interface LineListener {
        /** @return false to ask the program to stop */
        boolean onLine(String line);
    }
}
