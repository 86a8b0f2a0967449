package dev.guestcrypt.agent.plan;

import dev.guestcrypt.agent.error.ErrorCode;

/** Why the planner will not touch a volume. Each refusal comes with the value and the fix. */
public enum PlanRefusal implements ErrorCode {
    VOLUME_NOT_MOUNTED("GC2001"),
    VOLUME_NOT_IN_FSTAB("GC2002"),
    NOT_ENOUGH_FREE_SPACE("GC2003"),
    FILESYSTEM_NOT_SUPPORTED("GC2004"),
    VOLUME_TOO_SMALL("GC2005"),
    VOLUME_NOT_FOUND("GC2006"),
    NOT_A_DATA_VOLUME("GC2007"),
    FOREIGN_LUKS_VOLUME("GC2008"),
    PREVIOUS_ATTEMPT_FAILED("GC2009"),
    OS_VOLUME_NOT_SUPPORTED("GC2010"),
    OPERATION_NOT_SUPPORTED("GC2011"),
    READ_ONLY_DEVICE("GC2012"),
    /** A DiskFormatQuery entry names the OS disk or the BEK volume: never formatted. */
    FORMAT_TARGET_PROTECTED("GC2013"),
    /** A DiskFormatQuery entry names a device that is not attached (or cannot be resolved). */
    FORMAT_TARGET_NOT_FOUND("GC2014"),
    /** A format target holds partitions, LVM, RAID or swap, or is mounted more than once. */
    FORMAT_TARGET_IN_USE("GC2015"),
    /** A format target is not mounted from an fstab line, so there is no mount point and options to keep. */
    FORMAT_TARGET_NOT_MOUNTED("GC2016"),
    /** A DiskFormatQuery entry asks for a file system the format flow does not make. */
    FORMAT_FILESYSTEM_NOT_SUPPORTED("GC2017"),
    /** A DiskFormatQuery entry's file system or mount point differs from the volume's fstab line. */
    FORMAT_TARGET_MISMATCH("GC2018");

    private final String id;

    PlanRefusal(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    /** ADE's encryption_failed for refusals, like its daemon failures. */
    @Override
    public int exitCode() {
        return 19;
    }
}
