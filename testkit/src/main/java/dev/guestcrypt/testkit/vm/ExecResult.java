package dev.guestcrypt.testkit.vm;

import java.nio.charset.StandardCharsets;

/** What one command in the guest did: its exit code and everything it printed. */
public record ExecResult(int exitCode, byte[] stdoutBytes, byte[] stderrBytes) {

    public String stdout() {
        return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    public String stderr() {
        return new String(stderrBytes, StandardCharsets.UTF_8);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout ---\n" + stdout() + "\n--- stderr ---\n" + stderr();
    }
}
