package dev.guestcrypt.agent.plan;

/** What the plan does with one volume. */
public enum VolumeAction {
    /** ext2/3/4: short unmount, shrink by 32 MiB, LUKS2 header at the start, data encrypted online. */
    ENCRYPT_IN_PLACE,
    /** xfs (cannot shrink): LUKS2 header in a file on the OS disk, data encrypted online. */
    ENCRYPT_DETACHED_HEADER,
    /**
     * A volume declared disposable (ADE's EnableEncryptionFormat / EnableEncryptionFormatAll): a new
     * LUKS2 header over the whole device and a new, empty file system of the same type. ALL ITS DATA
     * IS ERASED.
     */
    FORMAT_ENCRYPTED,
    /** An interrupted operation of the agent, continued from its journal. */
    RESUME,
    /** Already encrypted by guestcrypt: nothing to do. */
    SKIP_ENCRYPTED,
    /** Not for this plan (not mounted, filtered out); listed so the user sees it was considered. */
    SKIP,
    /** Will not be touched, for the reason given. */
    REFUSED;

    public boolean changesSomething() {
        return this == ENCRYPT_IN_PLACE || this == ENCRYPT_DETACHED_HEADER || this == FORMAT_ENCRYPTED || this == RESUME;
    }
}
