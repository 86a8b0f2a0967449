package dev.guestcrypt.agent.settings;

/**
 * One entry of ADE's {@code DiskFormatQuery}: a disposable device to format encrypted.
 *
 * @param dev        device path, e.g. {@code /dev/disk/azure/scsi1/lun0}
 * @param name       mapper name wanted (may be empty: derived from the mount point)
 * @param fileSystem file system to create; empty: the volume's current type
 * @param mountPoint where it is mounted; empty: wherever it is mounted now
 */
public record FormatTarget(String dev, String name, String fileSystem, String mountPoint) {}
