package dev.guestcrypt.agent.error;

import java.util.Objects;

/**
 * A failure or refusal the user can act on: what went wrong (naming the offending value), and
 * how to fix it. Messages never contain key material.
 */
public class AgentException extends RuntimeException {
    private final ErrorCode code;
    private final String fix;

    public AgentException(ErrorCode code, String problem, String fix) {
        this(code, problem, fix, null);
    }

    public AgentException(ErrorCode code, String problem, String fix, Throwable cause) {
        super(Objects.requireNonNull(problem, "problem"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.fix = fix == null ? "" : fix;
    }

    public ErrorCode code() {
        return code;
    }

    /** What the user should do; may be empty when nothing can be done from inside the VM. */
    public String fix() {
        return fix;
    }

    /** One line for logs and status: {@code GC1103 KEY_VAULT_FORBIDDEN: problem. Fix: fix}. */
    public String describe() {
        return code.id() + " " + code.name() + ": " + getMessage() + (fix.isEmpty() ? "" : " Fix: " + fix);
    }
}
