package dev.guestcrypt.agent.settings;

/**
 * One entry of ADE's {@code DiskFormatQuery}: a disposable device to format encrypted.
 *
 * @param dev        device path, e.g. {@code /dev/disk/azure/scsi1/lun0}
 * @param name       mapper name wanted (may be empty: derived from the mount point)
 * @param fileSystem file system to create (ext4 when empty)
 * @param mountPoint where to mount it
 */
public record FormatTarget(String dev, String name, String fileSystem, String mountPoint) {}
