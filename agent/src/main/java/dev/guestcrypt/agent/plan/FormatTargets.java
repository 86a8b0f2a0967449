package dev.guestcrypt.agent.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guestcrypt.agent.inventory.BlockDevice;
import dev.guestcrypt.agent.inventory.Inventory;
import dev.guestcrypt.agent.inventory.VolumeRole;
import dev.guestcrypt.agent.settings.FormatTarget;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves ADE's {@code DiskFormatQuery} entries to devices of the inventory (pure: no symlink is
 * read) and refuses what must never or cannot be formatted. A device resolved here is formatted,
 * erasing its data; everything else keeps the in-place path.
 */
final class FormatTargets {
    /** File systems the format flow makes again on the new mapping. */
    static final Set<String> FORMATTABLE = Set.of("ext4", "xfs");
    private static final Set<String> HOLDERS = Set.of("swap", "LVM2_member", "linux_raid_member");
    private static final Pattern AZURE_LUN = Pattern.compile("/dev/disk/azure/scsi1/lun(\\d+)(?:-part(\\d+))?");
    private static final String NAMES = "name it as /dev/sdX[N], /dev/disk/azure/scsi1/lunN[-partM], /dev/disk/by-uuid/<uuid>"
            + " or /dev/disk/by-label/<label> (see lsblk -o NAME,HCTL,UUID,LABEL,MOUNTPOINT)";

    /**
     * @param byDevice  the format target of each resolved device, by kernel name
     * @param refusals  entries that will not be formatted, with code, value and fix
     * @param refused   kernel names of the refused devices: left alone, not encrypted in place either
     */
    record Resolution(Map<String, FormatTarget> byDevice, List<VolumePlan> refusals, Set<String> refused) {}

    private FormatTargets() {}

    static Resolution resolve(List<FormatTarget> targets, Inventory inv) {
        Map<String, FormatTarget> byDevice = new LinkedHashMap<>();
        List<VolumePlan> refusals = new ArrayList<>();
        Set<String> refused = new java.util.HashSet<>();
        for (FormatTarget t : targets) {
            Optional<BlockDevice> found = find(t.dev(), inv);
            if (found.isEmpty()) {
                refusals.add(refused(null, t, new Refusal(PlanRefusal.FORMAT_TARGET_NOT_FOUND, "the DiskFormatQuery device " + t.dev()
                        + " is not attached or cannot be resolved", "attach the disk, or " + NAMES)));
                continue;
            }
            BlockDevice d = found.get();
            Refusal refusal = check(d, t, inv);
            if (refusal != null) {
                refusals.add(refused(d, t, refusal));
                refused.add(d.name());
            } else if (!d.isLuks()) {
                // An encrypted target (this request, already done) is planned as it is: nothing to do.
                byDevice.putIfAbsent(d.name(), t);
            }
        }
        return new Resolution(byDevice, refusals, refused);
    }

    private static Refusal check(BlockDevice d, FormatTarget t, Inventory inv) {
        VolumeRole role = inv.role(d.name());
        if (role == VolumeRole.OS || role == VolumeRole.BEK) {
            return new Refusal(PlanRefusal.FORMAT_TARGET_PROTECTED, "the DiskFormatQuery device " + t.dev() + " (" + d.path() + ") is on the "
                    + (role == VolumeRole.OS ? "OS disk" : "BEK volume") + ", which is never formatted",
                    "remove it from DiskFormatQuery; list only disposable data disks");
        }
        if (d.isLuks()) {
            return null;
        }
        if (!inv.children(d.name()).isEmpty() || HOLDERS.contains(d.fsType())) {
            String what = HOLDERS.contains(d.fsType()) ? "is " + d.fsType() : "holds " + String.join(", ",
                    inv.children(d.name()).stream().map(BlockDevice::path).toList());
            return new Refusal(PlanRefusal.FORMAT_TARGET_IN_USE, "the DiskFormatQuery device " + t.dev() + " (" + d.path() + ") " + what
                    + "; formatting it would destroy what sits on it", "name the partition or logical volume that holds the file system"
                    + " instead, or take the device out of use first");
        }
        if (d.mountPoints().size() > 1) {
            return new Refusal(PlanRefusal.FORMAT_TARGET_IN_USE, d.path() + " is mounted at " + String.join(", ", d.mountPoints())
                    + "; the format flow keeps one mount point", "unmount the extra mounts (bind mounts) and run again");
        }
        if (d.mountPoints().isEmpty()) {
            return new Refusal(PlanRefusal.FORMAT_TARGET_NOT_MOUNTED, "the DiskFormatQuery device " + t.dev() + " (" + d.path()
                    + ") is not mounted; the format flow keeps a volume's fstab line, mount point and options",
                    "make a file system on it, add an /etc/fstab line and mount it, then run again");
        }
        String fs = t.fileSystem().isEmpty() ? d.fsType() : t.fileSystem();
        if (!FORMATTABLE.contains(fs)) {
            return new Refusal(PlanRefusal.FORMAT_FILESYSTEM_NOT_SUPPORTED, "the DiskFormatQuery entry for " + t.dev() + " asks for "
                    + (fs.isEmpty() ? "no file system" : fs) + "; the format flow makes ext4 or xfs", "set \"file_system\" to ext4 or xfs");
        }
        if (!fs.equals(d.fsType())) {
            return new Refusal(PlanRefusal.FORMAT_TARGET_MISMATCH, "the DiskFormatQuery entry for " + t.dev() + " asks for " + fs
                    + " but " + d.mountPoints().get(0) + " is " + d.fsType() + " (its fstab options are for " + d.fsType() + ")",
                    "set \"file_system\" to " + d.fsType() + " or leave it out");
        }
        if (!t.mountPoint().isEmpty() && !t.mountPoint().equals(d.mountPoints().get(0))) {
            return new Refusal(PlanRefusal.FORMAT_TARGET_MISMATCH, "the DiskFormatQuery entry for " + t.dev() + " names the mount point "
                    + t.mountPoint() + " but the device is mounted at " + d.mountPoints().get(0),
                    "set \"mount_point\" to " + d.mountPoints().get(0) + " or leave it out; the format flow keeps the mount point");
        }
        return null;
    }

    /**
     * {@code query} (ADE's DiskFormatQuery: a JSON text or a list of maps) with each entry that
     * names no mount point given the one its device has now; unchanged when it cannot be read (the
     * settings parser reports that).
     */
    static Object pinMountPoints(Object query, Inventory inv) {
        ObjectMapper json = new ObjectMapper();
        JsonNode node;
        try {
            node = query instanceof String s ? json.readTree(s) : json.valueToTree(query);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return query;
        }
        if (node == null || !node.isArray()) {
            return query;
        }
        List<Map<String, Object>> pinned = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isObject()) {
                return query;
            }
            Map<String, Object> entry = json.convertValue(item, new TypeReference<LinkedHashMap<String, Object>>() { });
            String dev = item.path("dev").asText(item.path("dev_path").asText("")).trim();
            if (item.path("mount_point").asText("").isBlank()) {
                find(dev, inv).filter(d -> !d.mountPoints().isEmpty()).ifPresent(d -> entry.put("mount_point", d.mountPoints().get(0)));
            }
            pinned.add(entry);
        }
        return pinned;
    }

    /** The device an entry names: its path, a by-uuid or by-label link, or ADE's data-disk link by LUN. */
    static Optional<BlockDevice> find(String dev, Inventory inv) {
        Optional<BlockDevice> byPath = inv.devices().stream().filter(d -> d.path().equals(dev) && !d.type().equals("crypt")).findFirst();
        if (byPath.isPresent()) {
            return byPath;
        }
        if (dev.startsWith("/dev/disk/by-uuid/")) {
            String uuid = dev.substring("/dev/disk/by-uuid/".length());
            return inv.devices().stream().filter(d -> !d.type().equals("crypt") && d.uuid().equalsIgnoreCase(uuid)).findFirst();
        }
        if (dev.startsWith("/dev/disk/by-label/")) {
            String label = dev.substring("/dev/disk/by-label/".length());
            return inv.devices().stream().filter(d -> !d.type().equals("crypt") && d.label().equals(label)).findFirst();
        }
        Matcher lun = AZURE_LUN.matcher(dev);
        if (lun.matches()) {
            // scsi1 is the data-disk controller: the disk with that LUN that is neither OS nor resource disk.
            List<BlockDevice> disks = inv.devices().stream().filter(d -> d.isDisk() && d.hctl().endsWith(":" + lun.group(1))
                    && inv.role(d.name()) != VolumeRole.OS && inv.role(d.name()) != VolumeRole.RESOURCE).toList();
            if (disks.size() != 1) {
                return Optional.empty();
            }
            if (lun.group(2) == null) {
                return Optional.of(disks.get(0));
            }
            String partition = lun.group(2);
            return inv.children(disks.get(0).name()).stream().filter(c -> c.type().equals("part") && c.name().matches(".*?\\D" + partition))
                    .findFirst();
        }
        return Optional.empty();
    }

    private static VolumePlan refused(BlockDevice d, FormatTarget t, Refusal refusal) {
        String mountPoint = d != null && !d.mountPoints().isEmpty() ? d.mountPoints().get(0) : t.mountPoint();
        return new VolumePlan(d == null ? "" : d.name(), d == null ? t.dev() : d.path(), d == null ? "" : "fs:" + d.uuid(), mountPoint,
                d == null ? t.fileSystem() : d.fsType(), d == null ? 0 : d.sizeBytes(), VolumeAction.REFUSED, "", null, refusal,
                refusal.problem(), "");
    }
}
