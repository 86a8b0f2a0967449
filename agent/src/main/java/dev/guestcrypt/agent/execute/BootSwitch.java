package dev.guestcrypt.agent.execute;

/**
 * The boot-configuration change for one encrypted volume: a crypttab line for the mapping and the
 * fstab line switched to the mapping.
 *
 * @param mapperName     {@code gc-<label>}
 * @param luksUuid       LUKS UUID (crypttab opens {@code UUID=<luksUuid>})
 * @param mountPoint     fstab line to switch, found by its mount point
 * @param fsType         file-system type for the new line
 * @param options        original fstab options
 * @param passno         original fsck pass
 * @param device         stable device path, for a detached header (the device has no UUID then)
 * @param header         detached header file, or null
 */
public record BootSwitch(String mapperName, String luksUuid, String mountPoint, String fsType, String options, String passno,
                         String device, String header) {
    /** A header on the device: crypttab finds it by its LUKS UUID. */
    public BootSwitch(String mapperName, String luksUuid, String mountPoint, String fsType, String options, String passno) {
        this(mapperName, luksUuid, mountPoint, fsType, options, passno, null, null);
    }
}
