package dev.guestcrypt.agent.keys;

import java.util.Objects;

/**
 * Which volume a passphrase belongs to. Recorded as tags next to the stored key so that an
 * operator looking at the vault can tell which disk of which machine a secret unlocks.
 *
 * @param luksUuid     UUID of the LUKS2 header the passphrase opens
 * @param devicePath   stable device path, e.g. {@code /dev/disk/azure/scsi1/lun0}
 * @param volumeType   OS or data volume
 * @param machineName  the VM's host name
 * @param keyFileName  ADE's {@code DiskEncryptionKeyFileName}: {@code LinuxPassPhraseFileName}
 *                     for the OS disk, {@code LinuxPassPhraseFileName_<ctrl>_<lun>} for data disks
 */
public record VolumeIdentity(String luksUuid, String devicePath, VolumeType volumeType, String machineName,
                             String keyFileName) {
    /** ADE's key file name for the OS volume (and its default for every volume). */
    public static final String ADE_KEY_FILE_NAME = "LinuxPassPhraseFileName";

    public VolumeIdentity {
        Objects.requireNonNull(luksUuid, "luksUuid");
        Objects.requireNonNull(devicePath, "devicePath");
        Objects.requireNonNull(volumeType, "volumeType");
        Objects.requireNonNull(machineName, "machineName");
        keyFileName = keyFileName == null || keyFileName.isBlank() ? ADE_KEY_FILE_NAME : keyFileName;
    }

    /** A volume with ADE's default key file name. */
    public static VolumeIdentity of(String luksUuid, String devicePath, VolumeType volumeType, String machineName) {
        return new VolumeIdentity(luksUuid, devicePath, volumeType, machineName, null);
    }
}
