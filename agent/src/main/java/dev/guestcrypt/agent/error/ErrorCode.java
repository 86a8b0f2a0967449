package dev.guestcrypt.agent.error;

/**
 * A stable, documented error code. Each area of the agent has its own enum implementing this
 * interface (so areas never edit one shared file), and every refusal or failure carries one.
 *
 * <p>Ranges: ADE-compatible codes keep ADE's numbers (below 1000); {@code GC1xxx} key handling,
 * {@code GC2xxx} volumes and planning, {@code GC3xxx} operating-system changes, {@code GC4xxx}
 * settings, {@code GC5xxx} daemon and CLI, {@code GC6xxx} extension handler.
 */
public interface ErrorCode {
    /** Stable identifier shown to users and scripts, e.g. {@code GC1103}. Never reused. */
    String id();

    /** Short name, e.g. {@code KEY_VAULT_FORBIDDEN}. */
    String name();

    /** Process exit code for the CLI and the extension handler (ADE-compatible where ADE has one). */
    int exitCode();

    /**
     * True when doing the same thing again cannot succeed until someone changes something (a
     * setting, a permission, what the vault holds). Retry loops give up at once on these instead
     * of waiting out their bound; the default assumes time may help.
     */
    default boolean permanent() {
        return false;
    }
}
