package dev.guestcrypt.agent.execute;

import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A program to run. Secrets go only to {@code stdin} (never argv or environment, which other
 * users can read in /proc).
 *
 * @param argv    program and arguments
 * @param stdin   bytes written to the program's standard input, then closed; null for none
 * @param timeout the program is killed after this long
 */
public record Command(List<String> argv, SecretBytes stdin, Duration timeout) {
    public Command {
        argv = List.copyOf(argv);
        Objects.requireNonNull(timeout, "timeout");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
    }

    public static Command of(Duration timeout, String... argv) {
        return new Command(List.of(argv), null, timeout);
    }

    public Command withStdin(SecretBytes secret) {
        return new Command(argv, secret, timeout);
    }

    /** The command line for messages: the program and arguments (which never hold secrets). */
    public String display() {
        return String.join(" ", argv);
    }
}
