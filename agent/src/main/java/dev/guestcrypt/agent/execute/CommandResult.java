package dev.guestcrypt.agent.execute;

/** How a program ended: exit code (-1 when killed on timeout or stop), its output, and error output. */
public record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut) {
    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }

    /** The last non-empty line of the error output, or of the output, for messages. */
    public String lastLine() {
        for (String text : new String[] {stderr, stdout}) {
            String[] lines = text.strip().split("\n");
            if (lines.length > 0 && !lines[lines.length - 1].isBlank()) {
                return lines[lines.length - 1].strip();
            }
        }
        return "";
    }
}
