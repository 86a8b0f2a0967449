package dev.guestcrypt.agent.plan;

import dev.guestcrypt.agent.inventory.BlockDevice;
import dev.guestcrypt.agent.inventory.FstabEntry;
import dev.guestcrypt.agent.inventory.Inventory;
import dev.guestcrypt.agent.inventory.LuksInfo;
import dev.guestcrypt.agent.inventory.VolumeRole;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.journal.JournalView;
import dev.guestcrypt.agent.journal.OperationHistory;
import dev.guestcrypt.agent.settings.EncryptionOperation;
import dev.guestcrypt.agent.settings.EncryptionSettings;
import dev.guestcrypt.agent.settings.SettingsParser;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, from the settings, the machine's storage and the journal, what to do with each volume.
 * Pure and repeatable: planning twice on the same facts gives the same plan, and planning changes
 * nothing. Interrupted operations in the journal are always resumed, whatever the settings say.
 */
public final class Planner {
    /** ext2/3/4 are shrunk by this much to make room for the LUKS2 header (twice the 16 MiB header area). */
    public static final long HEADER_ROOM_BYTES = 32L << 20;
    /** Below this a volume is not worth the header and the shrink. */
    public static final long MIN_VOLUME_BYTES = 128L << 20;
    /** Free space needed before the shrink: the header room plus slack for resize2fs. */
    public static final long MIN_FREE_BYTES = 64L << 20;
    public static final String DATA_LUKS_UUID = "luksUuid";
    public static final String DATA_SEQUENCE = "sequence";
    public static final String DATA_ERROR = "error";
    private static final Set<String> IN_PLACE = Set.of("ext2", "ext3", "ext4");
    /** A detached header has no check and no shrink: unmount, header file, open, mount. */
    static final Duration DETACHED_DOWNTIME = Duration.ofSeconds(2);
    private static final Set<String> NOT_A_FILESYSTEM = Set.of("", "swap", "LVM2_member", "linux_raid_member", "crypto_LUKS");

    public Plan plan(EncryptionSettings settings, Inventory inventory, JournalView journal) {
        List<VolumePlan> out = new ArrayList<>();
        Set<String> takenNames = new HashSet<>();
        inventory.crypttab().forEach(c -> takenNames.add(c.name()));
        inventory.devices().stream().filter(d -> d.type().equals("crypt"))
                .forEach(d -> takenNames.add(d.path().replace("/dev/mapper/", "")));
        Set<String> resumedKeys = new HashSet<>();

        for (OperationHistory op : journal.unfinished(JournalSteps.FINAL)) {
            Optional<BlockDevice> device = locate(op, inventory);
            resumedKeys.add(op.volume());
            op.value(DATA_LUKS_UUID).ifPresent(u -> resumedKeys.add("luks:" + u));
            Optional<String> mapper = op.value("mapperName");
            mapper.ifPresent(takenNames::add);
            out.add(new VolumePlan(device.map(BlockDevice::name).orElse(""), device.map(BlockDevice::path).orElse(""), op.volume(),
                    op.value("mountPoint").orElse(""), op.value("fsType").orElse(""), device.map(BlockDevice::sizeBytes).orElse(0L),
                    VolumeAction.RESUME, mapper.orElse(""), Duration.ZERO, null,
                    "resume the interrupted operation after step " + op.lastStep(), op.operation()));
        }
        if (settings == null) {
            return new Plan(out);
        }
        EncryptionOperation operation = settings.operation();
        if (operation == EncryptionOperation.QUERY_ENCRYPTION_STATUS) {
            return new Plan(out);
        }
        if (!operation.enables()) {
            out.add(refused(null, "", new Refusal(PlanRefusal.OPERATION_NOT_SUPPORTED, "the operation " + operation.adeName()
                    + " is not supported by this version", "use EnableEncryption for data volumes")));
            return new Plan(out);
        }
        if (settings.volumeType() != null && settings.volumeType().includesOs()) {
            out.add(refused(null, "/", new Refusal(PlanRefusal.OS_VOLUME_NOT_SUPPORTED, "encrypting the OS volume (VolumeType "
                    + settings.volumeType().adeName() + ") is not supported by this version",
                    "use VolumeType Data; data volumes are encrypted online")));
            if (!settings.volumeType().includesData()) {
                return new Plan(out);
            }
        }
        Set<String> wanted = new HashSet<>(settings.volumes());
        Set<String> seenMounts = new HashSet<>();
        Formatting formatting = formatting(settings, inventory, out);
        for (BlockDevice d : inventory.devices()) {
            if (formatting.refused().contains(d.name())) {
                continue;
            }
            VolumePlan p = planDevice(d, settings, inventory, journal, takenNames, resumedKeys, formatting);
            if (p == null) {
                continue;
            }
            if (!p.mountPoint().isEmpty()) {
                seenMounts.add(p.mountPoint());
            }
            if (!wanted.isEmpty() && !wanted.contains(p.mountPoint())) {
                continue;
            }
            if (p.action().changesSomething() && !p.mapperName().isEmpty()) {
                takenNames.add(p.mapperName());
            }
            out.add(p);
        }
        for (String mp : settings.volumes()) {
            if (!seenMounts.contains(mp)) {
                out.add(refused(null, mp, new Refusal(PlanRefusal.VOLUME_NOT_FOUND, "no data volume is mounted at " + mp,
                        "mount the volume (and list it in /etc/fstab), or remove " + mp + " from --volumes")));
            }
        }
        return new Plan(out);
    }

    /**
     * Which volumes are formatted: those DiskFormatQuery names (EnableEncryptionFormat; the others
     * are encrypted in place), or every unencrypted data volume and the mounted resource disk
     * (EnableEncryptionFormatAll). Refused entries go to {@code out}.
     */
    private static Formatting formatting(EncryptionSettings settings, Inventory inv, List<VolumePlan> out) {
        if (settings.operation() == EncryptionOperation.ENABLE_ENCRYPTION_FORMAT_ALL) {
            return new Formatting(true, Set.of(), Set.of());
        }
        if (settings.operation() != EncryptionOperation.ENABLE_ENCRYPTION_FORMAT) {
            return new Formatting(false, Set.of(), Set.of());
        }
        FormatTargets.Resolution resolution = FormatTargets.resolve(settings.formatTargets(), inv);
        out.addAll(resolution.refusals());
        return new Formatting(false, resolution.byDevice().keySet(), resolution.refused());
    }

    /** @param all every volume; else only {@code listed} (kernel names); {@code refused} are left alone */
    private record Formatting(boolean all, Set<String> listed, Set<String> refused) {
        boolean formats(BlockDevice d) {
            return all || listed.contains(d.name());
        }
    }

    private VolumePlan planDevice(BlockDevice d, EncryptionSettings settings, Inventory inv, JournalView journal,
                                  Set<String> takenNames, Set<String> resumedKeys, Formatting formatting) {
        String key = "fs:" + d.uuid();
        if (resumedKeys.contains(key) || d.type().equals("crypt") || d.type().equals("rom") || d.type().equals("loop")) {
            return null;
        }
        if (d.isLuks() || inv.luksOf(d.name()).map(l -> l.headerPath() != null).orElse(false)) {
            return planLuks(d, inv, resumedKeys);
        }
        if (NOT_A_FILESYSTEM.contains(d.fsType()) || !inv.children(d.name()).isEmpty()) {
            return null;
        }
        String mountPoint = d.mountPoints().isEmpty() ? "" : d.mountPoints().get(0);
        VolumeRole role = inv.role(d.name());
        // The resource disk's data is disposable by nature: formatted (never encrypted in place) when mounted.
        boolean resourceFormat = role == VolumeRole.RESOURCE && formatting.formats(d) && d.isMounted();
        if (role != VolumeRole.DATA && !resourceFormat) {
            if (settings.volumes().contains(mountPoint)) {
                return refused(d, mountPoint, new Refusal(PlanRefusal.NOT_A_DATA_VOLUME, mountPoint + " (" + d.path() + ") is on the "
                        + role.name().toLowerCase() + " disk", "list only data-disk mount points in --volumes"));
            }
            return null;
        }
        if (mountPoint.isEmpty()) {
            return new VolumePlan(d.name(), d.path(), key, "", d.fsType(), d.sizeBytes(), VolumeAction.SKIP, "", null, null,
                    "not mounted: only mounted data volumes are encrypted", "");
        }
        Optional<OperationHistory> last = journal.latestFor(key);
        if (last.isPresent() && last.get().lastStep().equals(JournalSteps.ABANDONED)
                && String.valueOf(last.get().last().data().get(DATA_SEQUENCE)).equals(String.valueOf(settings.sequenceVersion()))) {
            return refused(d, mountPoint, new Refusal(PlanRefusal.PREVIOUS_ATTEMPT_FAILED, "the last attempt on " + mountPoint
                    + " stopped and was rolled back: " + last.get().value(DATA_ERROR).orElse("no reason recorded"),
                    "fix the cause, then run 'guestcrypt encrypt' again"));
        }
        if (d.readOnly()) {
            return refused(d, mountPoint, new Refusal(PlanRefusal.READ_ONLY_DEVICE, d.path() + " (" + mountPoint + ") is read-only",
                    "attach the disk read-write"));
        }
        Optional<FstabEntry> fstab = inv.fstabFor(d);
        if (fstab.isEmpty()) {
            return refused(d, mountPoint, new Refusal(PlanRefusal.VOLUME_NOT_IN_FSTAB, mountPoint + " (" + d.path()
                    + ") is mounted but has no line in /etc/fstab, so it would not come back after a reboot",
                    "add a line for it to /etc/fstab (UUID=" + d.uuid() + " " + mountPoint + " " + d.fsType() + " defaults,nofail 0 2)"));
        }
        if (d.sizeBytes() < MIN_VOLUME_BYTES) {
            return refused(d, mountPoint, new Refusal(PlanRefusal.VOLUME_TOO_SMALL, mountPoint + " (" + d.path() + ") has "
                    + mib(d.sizeBytes()) + " MiB; at least " + mib(MIN_VOLUME_BYTES) + " MiB are needed", "use a larger disk"));
        }
        String mapper = MapperNames.forMountPoint(mountPoint, d.name(), takenNames);
        if (formatting.formats(d)) {
            return planFormat(d, mountPoint, fstab.get(), mapper, role);
        }
        if (IN_PLACE.contains(d.fsType())) {
            long free = inv.freeBytesAt(mountPoint).orElse(Long.MAX_VALUE);
            if (free < MIN_FREE_BYTES) {
                return refused(d, mountPoint, new Refusal(PlanRefusal.NOT_ENOUGH_FREE_SPACE, mountPoint + " has " + mib(free)
                        + " MiB free; the file system must shrink by " + mib(HEADER_ROOM_BYTES) + " MiB and needs " + mib(MIN_FREE_BYTES)
                        + " MiB free", "free at least " + mib(MIN_FREE_BYTES - free + 1) + " MiB on " + mountPoint + ", or grow the disk"));
            }
            long used = d.sizeBytes() - Math.min(d.sizeBytes(), free == Long.MAX_VALUE ? 0 : free); // free unknown: all in use
            return new VolumePlan(d.name(), d.path(), key, mountPoint, d.fsType(), d.sizeBytes(), VolumeAction.ENCRYPT_IN_PLACE, mapper,
                    inPlaceDowntime(used), null, "unmounted for the file-system check (longer with many files), the shrink by "
                    + mib(HEADER_ROOM_BYTES) + " MiB and the LUKS2 header at the start of the disk, then encrypted online;"
                    + " the disk stays self-contained", "");
        }
        if (d.fsType().equals("xfs")) {
            return new VolumePlan(d.name(), d.path(), key, mountPoint, d.fsType(), d.sizeBytes(), VolumeAction.ENCRYPT_DETACHED_HEADER,
                    mapper, DETACHED_DOWNTIME, null, "xfs cannot shrink, so its LUKS2 header goes to /var/lib/guestcrypt/headers on the"
                    + " OS disk, then encrypted online; the disk opens only with that header file: moving the disk to another VM"
                    + " means moving its header file too", "");
        }
        return refused(d, mountPoint, new Refusal(PlanRefusal.FILESYSTEM_NOT_SUPPORTED, mountPoint + " (" + d.path() + ") is "
                + d.fsType() + ", which cannot be encrypted in place", "use ext2, ext3 or ext4"));
    }

    /**
     * A format request names devices by path, and a /dev/sdX name can belong to another disk after
     * the next boot. The request recorded as the desired state therefore also names each target's
     * mount point as it is now: a later pass that finds another disk under that name refuses it
     * (GC2018) instead of erasing it.
     */
    public static Map<String, Object> pinFormatTargets(Map<String, Object> request, Inventory inv) {
        Object query = request.get(SettingsParser.DISK_FORMAT_QUERY);
        if (query == null) {
            return request;
        }
        Map<String, Object> pinned = new LinkedHashMap<>(request);
        pinned.put(SettingsParser.DISK_FORMAT_QUERY, FormatTargets.pinMountPoints(query, inv));
        return pinned;
    }

    /**
     * Unmounted time of an in-place encryption on an SSD-backed VM: about 3 s for the unmount,
     * shrink, LUKS2 header, open and mount, plus the file-system check, estimated at 1 s for every
     * 4 GiB in use (e2fsck reads the metadata of what is used). An estimate, not a promise.
     */
    static Duration inPlaceDowntime(long usedBytes) {
        return Duration.ofSeconds(3 + (usedBytes + (4L << 30) - 1) / (4L << 30));
    }

    private static VolumePlan planFormat(BlockDevice d, String mountPoint, FstabEntry fstab, String mapper, VolumeRole role) {
        if (!FormatTargets.FORMATTABLE.contains(d.fsType())) {
            return refused(d, mountPoint, new Refusal(PlanRefusal.FORMAT_FILESYSTEM_NOT_SUPPORTED, mountPoint + " (" + d.path() + ") is "
                    + d.fsType() + "; the format flow makes ext4 or xfs again", "use EnableEncryption to encrypt it in place with its data,"
                    + " or make it ext4 or xfs first"));
        }
        Duration downtime = Duration.ofSeconds(10 + (d.sizeBytes() >> 30) / 4);
        String note = "ALL DATA ON " + mountPoint + " (" + d.path() + (role == VolumeRole.RESOURCE ? ", the Azure resource disk" : "")
                + ") IS ERASED: new LUKS2 header over the whole device, new empty " + d.fsType()
                + (d.label().isEmpty() ? "" : " file system labelled '" + d.label() + "'") + (d.label().isEmpty() ? " file system" : "")
                + ", mounted again at " + mountPoint + " with the options '" + fstab.options() + "' as /dev/mapper/" + mapper
                + ", offline for about " + downtime.toSeconds() + " s";
        return new VolumePlan(d.name(), d.path(), "fs:" + d.uuid(), mountPoint, d.fsType(), d.sizeBytes(), VolumeAction.FORMAT_ENCRYPTED,
                mapper, downtime, null, note, "");
    }

    private VolumePlan planLuks(BlockDevice d, Inventory inv, Set<String> resumedKeys) {
        Optional<LuksInfo> luks = inv.luksOf(d.name());
        String mountPoint = inv.children(d.name()).stream().flatMap(c -> c.mountPoints().stream()).findFirst().orElse("");
        String mapper = inv.children(d.name()).stream().map(c -> c.path().replace("/dev/mapper/", "")).findFirst().orElse("");
        if (luks.isEmpty() || !luks.get().hasGuestcryptToken()) {
            return new VolumePlan(d.name(), d.path(), "luks:" + luksUuid(d, inv), mountPoint, "crypto_LUKS", d.sizeBytes(), VolumeAction.SKIP,
                    mapper, null, null, "LUKS volume without a guestcrypt token: left alone", "");
        }
        if (luks.get().reencryptionInProgress() && !resumedKeys.contains("luks:" + luksUuid(d, inv))) {
            return new VolumePlan(d.name(), d.path(), "luks:" + luksUuid(d, inv), mountPoint, "crypto_LUKS", d.sizeBytes(), VolumeAction.RESUME,
                    mapper, null, null, "finish the encryption recorded in the LUKS2 header", "");
        }
        return new VolumePlan(d.name(), d.path(), "luks:" + luksUuid(d, inv), mountPoint, "crypto_LUKS", d.sizeBytes(),
                VolumeAction.SKIP_ENCRYPTED, mapper, null, null, "encrypted by guestcrypt", "");
    }

    private static String luksUuid(BlockDevice d, Inventory inv) {
        return inv.luksOf(d.name()).map(LuksInfo::uuid).orElse(d.uuid());
    }

    /** Finds the device of a journaled operation: by LUKS UUID once the header exists, else by file-system UUID. */
    public static Optional<BlockDevice> locate(OperationHistory op, Inventory inventory) {
        Optional<String> luksUuid = op.value(DATA_LUKS_UUID);
        if (luksUuid.isPresent()) {
            Optional<BlockDevice> luks = inventory.devices().stream()
                    .filter(d -> d.isLuks() && d.uuid().equalsIgnoreCase(luksUuid.get())
                            || inventory.luksOf(d.name()).map(l -> l.uuid().equalsIgnoreCase(luksUuid.get())).orElse(false))
                    .findFirst();
            if (luks.isPresent()) {
                return luks;
            }
        }
        if (op.volume().startsWith("fs:")) {
            String fsUuid = op.volume().substring(3);
            return inventory.devices().stream().filter(d -> !d.type().equals("crypt") && d.uuid().equalsIgnoreCase(fsUuid)).findFirst();
        }
        return Optional.empty();
    }

    private static VolumePlan refused(BlockDevice d, String mountPoint, Refusal refusal) {
        return new VolumePlan(d == null ? "" : d.name(), d == null ? "" : d.path(), d == null ? "" : "fs:" + d.uuid(), mountPoint,
                d == null ? "" : d.fsType(), d == null ? 0 : d.sizeBytes(), VolumeAction.REFUSED, "", null, refusal, refusal.problem(), "");
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
