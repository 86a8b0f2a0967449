package dev.guestcrypt.agent.execute;

import dev.guestcrypt.agent.error.ErrorCode;

/** Failures while changing a volume. */
public enum ExecuteError implements ErrorCode {
    VOLUME_BUSY("GC3001"),
    COMMAND_FAILED("GC3002"),
    COMMAND_TIMED_OUT("GC3003"),
    FILESYSTEM_CHECK_FAILED("GC3004"),
    SHRINK_FAILED("GC3005"),
    LUKS_INIT_FAILED("GC3006"),
    ACTIVATION_FAILED("GC3007"),
    MOUNT_FAILED("GC3008"),
    ENCRYPTION_RUN_FAILED("GC3009"),
    BOOT_CONFIG_FAILED("GC3010"),
    VOLUME_GONE("GC3011"),
    UNLOCK_FAILED("GC3012"),
    NO_KEY_TOKEN("GC3013"),
    ANOTHER_OPERATION_RUNNING("GC3014"),
    INTERRUPTED_BEFORE_KEY("GC3015"),
    /** mkfs failed on the new encrypted mapping (format flow). */
    MKFS_FAILED("GC3016"),
    /** The new mapping already holds a file system of another type: not overwritten. */
    UNEXPECTED_FILESYSTEM("GC3017"),
    /** libcryptsetup (libcryptsetup12) cannot be loaded. */
    CRYPTO_LIBRARY_MISSING("GC3018"),
    /** The header an operation needs could not be written on a scratch file: the volume was left as it was. */
    HEADER_REHEARSAL_FAILED("GC3019");

    private final String id;

    ExecuteError(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    /** ADE's encryption_failed. */
    @Override
    public int exitCode() {
        return 19;
    }

    /** A header without guestcrypt's token does not grow one by waiting. */
    @Override
    public boolean permanent() {
        return this == NO_KEY_TOKEN;
    }
}
