package dev.guestcrypt.e2e.volumes.support;

/** What a guest command returned. */
public record ExecResult(int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }
}
