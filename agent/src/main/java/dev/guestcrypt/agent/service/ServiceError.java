package dev.guestcrypt.agent.service;

import dev.guestcrypt.agent.error.ErrorCode;

/** Failures of the agent's commands as a whole (daemon and CLI). */
public enum ServiceError implements ErrorCode {
    VOLUME_NOT_IN_CRYPTTAB("GC5001", 2),
    UNLOCK_GAVE_UP("GC5002", 6),
    ENCRYPTION_INCOMPLETE("GC5003", 19),
    NOTHING_TO_ENCRYPT("GC5004", 19);

    private final String id;
    private final int exitCode;

    ServiceError(String id, int exitCode) {
        this.id = id;
        this.exitCode = exitCode;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int exitCode() {
        return exitCode;
    }

    @Override
    public boolean permanent() {
        return this == VOLUME_NOT_IN_CRYPTTAB;
    }
}
