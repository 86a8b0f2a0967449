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
 */
public record BootSwitch(String mapperName, String luksUuid, String mountPoint, String fsType, String options, String passno) {}
