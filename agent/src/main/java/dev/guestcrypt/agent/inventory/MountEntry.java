package dev.guestcrypt.agent.inventory;

/**
 * One line of {@code /proc/self/mountinfo}.
 *
 * @param majMin       device numbers of the mounted file system
 * @param root         path inside the file system that is mounted (usually {@code /})
 * @param mountPoint   where it is mounted
 * @param options      per-mount options ({@code rw,relatime})
 * @param fsType       file-system type
 * @param source       mount source ({@code /dev/sdb1}, {@code /dev/mapper/gc-data})
 * @param superOptions per-superblock options
 */
public record MountEntry(String majMin, String root, String mountPoint, String options, String fsType, String source,
                         String superOptions) {}
