package dev.guestcrypt.agent.journal;

import java.util.Set;

/** Step names as written in the journal: a stable on-disk vocabulary, never renamed. */
public final class JournalSteps {
    public static final String STARTED = "STARTED";
    public static final String KEY_PROTECTED = "KEY_PROTECTED";
    public static final String UNMOUNTED = "UNMOUNTED";
    public static final String FILESYSTEM_CHECKED = "FILESYSTEM_CHECKED";
    public static final String FILESYSTEM_SHRUNK = "FILESYSTEM_SHRUNK";
    public static final String BOOT_CONFIG_SWITCHED = "BOOT_CONFIG_SWITCHED";
    public static final String LUKS_INITIALISED = "LUKS_INITIALISED";
    public static final String ACTIVATED = "ACTIVATED";
    public static final String MOUNTED = "MOUNTED";
    public static final String ENCRYPTED = "ENCRYPTED";
    public static final String HEADER_BACKED_UP = "HEADER_BACKED_UP";
    public static final String TOKEN_ENSURED = "TOKEN_ENSURED";
    /** Format flow: a new LUKS2 header over the whole device (its old data is gone), key token included. */
    public static final String LUKS_FORMATTED = "LUKS_FORMATTED";
    /** Format flow: a new, empty file system made on the open mapping. */
    public static final String FILESYSTEM_CREATED = "FILESYSTEM_CREATED";
    /** The operation finished: the volume is fully encrypted. */
    public static final String DONE = "DONE";
    /** The operation stopped before anything irreversible and everything was put back. */
    public static final String ABANDONED = "ABANDONED";
    /** A step failed; the operation is resumed on the next pass (data carries the error). */
    public static final String FAILED = "FAILED";

    public static final Set<String> FINAL = Set.of(DONE, ABANDONED);

    private JournalSteps() {}
}
