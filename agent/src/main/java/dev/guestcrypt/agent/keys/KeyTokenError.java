package dev.guestcrypt.agent.keys;

import dev.guestcrypt.agent.error.ErrorCode;

/** Problems with LUKS2 key tokens and passphrases, independent of where keys are kept. */
public enum KeyTokenError implements ErrorCode {
    /** The token JSON is malformed or misses a required field. */
    TOKEN_INVALID("GC1001", 53),
    /** The token was written by a newer guestcrypt. */
    TOKEN_VERSION_UNSUPPORTED("GC1002", 53),
    /** No protector handles this token type. */
    TOKEN_TYPE_UNSUPPORTED("GC1003", 53),
    /** A passphrase is too short or not in the expected form. */
    PASSPHRASE_INVALID("GC1004", 13),
    /** The local key file is missing, unreadable, changed, or not private. */
    LOCAL_KEY_FILE_UNUSABLE("GC1005", 15);

    private final String id;
    private final int exitCode;

    KeyTokenError(String id, int exitCode) {
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

    /** A key file may sit on a file system not mounted yet; a bad token stays bad. */
    @Override
    public boolean permanent() {
        return this != LOCAL_KEY_FILE_UNUSABLE;
    }
}
