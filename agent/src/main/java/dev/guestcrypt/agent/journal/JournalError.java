package dev.guestcrypt.agent.journal;

import dev.guestcrypt.agent.error.ErrorCode;

/** Journal failures. */
public enum JournalError implements ErrorCode {
    JOURNAL_WRITE_FAILED("GC3101"),
    JOURNAL_UNREADABLE("GC3102"),
    JOURNAL_DAMAGED("GC3103");

    private final String id;

    JournalError(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int exitCode() {
        return 19;
    }
}
