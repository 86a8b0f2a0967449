package dev.guestcrypt.agent.inventory;

import java.util.List;
import java.util.Objects;

/**
 * One block device as {@code lsblk} sees it.
 *
 * @param name        kernel name, e.g. {@code sdb1}, {@code dm-0}
 * @param path        device node, e.g. {@code /dev/sdb1}, {@code /dev/mapper/vg-lv}
 * @param type        {@code disk}, {@code part}, {@code lvm}, {@code crypt}, {@code raid1}, {@code loop}, {@code rom}...
 * @param sizeBytes   size in bytes
 * @param fsType      what blkid found ({@code ext4}, {@code xfs}, {@code crypto_LUKS}, {@code LVM2_member}...), or empty
 * @param uuid        file-system or LUKS UUID, or empty
 * @param label       file-system label, or empty
 * @param majMin      {@code major:minor}
 * @param mountPoints where it is mounted (empty when not)
 * @param parents     kernel names of the devices it sits on (none for a disk)
 * @param hctl        SCSI address {@code host:channel:target:lun} for disks, or empty
 * @param readOnly    read-only device
 */
public record BlockDevice(String name, String path, String type, long sizeBytes, String fsType, String uuid, String label,
                          String majMin, List<String> mountPoints, List<String> parents, String hctl, boolean readOnly) {
    public BlockDevice {
        Objects.requireNonNull(name, "name");
        path = path == null || path.isEmpty() ? "/dev/" + name : path;
        type = type == null ? "" : type;
        fsType = fsType == null ? "" : fsType;
        uuid = uuid == null ? "" : uuid;
        label = label == null ? "" : label;
        majMin = majMin == null ? "" : majMin;
        hctl = hctl == null ? "" : hctl;
        mountPoints = List.copyOf(mountPoints);
        parents = List.copyOf(parents);
    }

    public boolean isDisk() {
        return type.equals("disk");
    }

    public boolean isLuks() {
        return fsType.equals("crypto_LUKS");
    }

    public boolean isMounted() {
        return !mountPoints.isEmpty();
    }

    /** A copy that also sits on {@code parent} (lsblk repeats shared children under each parent). */
    BlockDevice withParent(String parent) {
        if (parent == null || parents.contains(parent)) {
            return this;
        }
        List<String> all = new java.util.ArrayList<>(parents);
        all.add(parent);
        return new BlockDevice(name, path, type, sizeBytes, fsType, uuid, label, majMin, mountPoints, all, hctl, readOnly);
    }
}
