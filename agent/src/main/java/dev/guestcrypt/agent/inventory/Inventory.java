package dev.guestcrypt.agent.inventory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable snapshot of the machine's storage: block devices, mounts, fstab, crypttab, LUKS
 * headers and free space. Built by a reader in {@code os}; everything here is pure.
 *
 * @param devices         every block device, once each
 * @param mounts          {@code /proc/self/mountinfo}
 * @param fstab           mount lines of {@code /etc/fstab}
 * @param crypttab        lines of {@code /etc/crypttab}
 * @param resourceDisks   kernel names of the Azure resource disk(s)
 * @param luks            LUKS header facts by kernel name of the encrypted device
 * @param freeBytes       free bytes of each mounted file system, by mount point
 */
public record Inventory(List<BlockDevice> devices, List<MountEntry> mounts, List<FstabEntry> fstab, List<CrypttabEntry> crypttab,
                        Set<String> resourceDisks, Map<String, LuksInfo> luks, Map<String, Long> freeBytes) {
    public static final String BEK_LABEL = "BEK VOLUME";
    private static final List<String> OS_MOUNTS = List.of("/", "/boot", "/boot/efi", "/usr", "/var");

    public Inventory {
        devices = List.copyOf(devices);
        mounts = List.copyOf(mounts);
        fstab = List.copyOf(fstab);
        crypttab = List.copyOf(crypttab);
        resourceDisks = Set.copyOf(resourceDisks);
        luks = Map.copyOf(luks);
        freeBytes = Map.copyOf(freeBytes);
    }

    public Optional<BlockDevice> device(String name) {
        return devices.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public Optional<BlockDevice> byPath(String path) {
        return devices.stream().filter(d -> d.path().equals(path)).findFirst();
    }

    public Optional<BlockDevice> byUuid(String uuid) {
        return devices.stream().filter(d -> d.uuid().equalsIgnoreCase(uuid)).findFirst();
    }

    public List<BlockDevice> children(String name) {
        return devices.stream().filter(d -> d.parents().contains(name)).toList();
    }

    /** The disks a device ultimately sits on (itself when it is a disk). */
    public Set<String> topDisks(String name) {
        Set<String> out = new LinkedHashSet<>();
        collectTop(name, out, new HashSet<>());
        return out;
    }

    private void collectTop(String name, Set<String> out, Set<String> seen) {
        if (!seen.add(name)) {
            return;
        }
        Optional<BlockDevice> device = device(name);
        if (device.isEmpty() || device.get().parents().isEmpty()) {
            out.add(name);
            return;
        }
        device.get().parents().forEach(p -> collectTop(p, out, seen));
    }

    /** Disks that hold the operating system. */
    public Set<String> osDisks() {
        Set<String> disks = new LinkedHashSet<>();
        for (BlockDevice d : devices) {
            if (d.mountPoints().stream().anyMatch(OS_MOUNTS::contains)) {
                disks.addAll(topDisks(d.name()));
            }
        }
        return disks;
    }

    public VolumeRole role(String name) {
        Set<String> tops = topDisks(name);
        if (tops.stream().anyMatch(osDisks()::contains)) {
            return VolumeRole.OS;
        }
        if (tops.stream().anyMatch(resourceDisks::contains)) {
            return VolumeRole.RESOURCE;
        }
        for (String top : tops) {
            if (hasBekLabel(top)) {
                return VolumeRole.BEK;
            }
        }
        return VolumeRole.DATA;
    }

    private boolean hasBekLabel(String disk) {
        List<String> todo = new ArrayList<>(List.of(disk));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String n = todo.remove(0);
            if (!seen.add(n)) {
                continue;
            }
            if (device(n).map(d -> d.label().equalsIgnoreCase(BEK_LABEL)).orElse(false)) {
                return true;
            }
            children(n).forEach(c -> todo.add(c.name()));
        }
        return false;
    }

    /** The mount at {@code mountPoint} (the last one, if mounted over). */
    public Optional<MountEntry> mountAt(String mountPoint) {
        MountEntry found = null;
        for (MountEntry m : mounts) {
            if (m.mountPoint().equals(mountPoint)) {
                found = m;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The fstab line that mounts {@code device}: by UUID, LABEL, device path, or its mount point. */
    public Optional<FstabEntry> fstabFor(BlockDevice device) {
        for (FstabEntry e : fstab) {
            String spec = e.spec();
            if ((!device.uuid().isEmpty() && (spec.equalsIgnoreCase("UUID=" + device.uuid())
                    || spec.equalsIgnoreCase("/dev/disk/by-uuid/" + device.uuid())))
                    || (!device.label().isEmpty() && (spec.equals("LABEL=" + device.label())
                    || spec.equals("/dev/disk/by-label/" + device.label())))
                    || spec.equals(device.path())) {
                return Optional.of(e);
            }
        }
        return fstab.stream().filter(e -> device.mountPoints().contains(e.file())).findFirst();
    }

    public Optional<CrypttabEntry> crypttabEntry(String mapperName) {
        return crypttab.stream().filter(c -> c.name().equals(mapperName)).findFirst();
    }

    public Optional<LuksInfo> luksOf(String name) {
        return Optional.ofNullable(luks.get(name));
    }

    public Optional<Long> freeBytesAt(String mountPoint) {
        return Optional.ofNullable(freeBytes.get(mountPoint));
    }

    public static Inventory empty() {
        return new Inventory(List.of(), List.of(), List.of(), List.of(), Set.of(), Map.of(), Map.of());
    }
}
