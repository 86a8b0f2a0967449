package dev.guestcrypt.agent.execute;

/** Names that survive reboots and disk reordering, for devices that carry no UUID of their own. */
@FunctionalInterface
public interface DevicePaths {
    /** A stable path for {@code devicePath} (e.g. {@code /dev/disk/azure/scsi1/lun0}), or {@code devicePath} itself. */
    String stable(String devicePath);
}
