package dev.guestcrypt.agent.status;

import dev.guestcrypt.agent.inventory.BlockDevice;
import dev.guestcrypt.agent.inventory.Inventory;
import dev.guestcrypt.agent.inventory.LuksInfo;
import dev.guestcrypt.agent.inventory.VolumeRole;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.journal.JournalView;
import dev.guestcrypt.agent.journal.OperationHistory;
import dev.guestcrypt.agent.plan.Planner;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Derives status from the facts: the disks and their LUKS2 headers, the journal, and the last
 * progress report of a running encryption. Never the other way round.
 */
public final class StatusProjector {
    private static final Set<String> FILESYSTEMS = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs");

    public Status project(Inventory inv, JournalView journal, Map<String, ProgressSnapshot> progress, Instant now) {
        return project(inv, journal, progress, Map.of(), now);
    }

    /** @param unlockErrors last unlock failure by mapper name, for volumes that stay locked */
    public Status project(Inventory inv, JournalView journal, Map<String, ProgressSnapshot> progress, Map<String, String> unlockErrors,
                          Instant now) {
        List<VolumeStatus> volumes = new ArrayList<>();
        for (BlockDevice d : inv.devices()) {
            if (d.type().equals("crypt") || inv.role(d.name()) != VolumeRole.DATA) {
                continue;
            }
            if (d.isLuks() || inv.luksOf(d.name()).map(l -> l.headerPath() != null).orElse(false)) {
                Optional<LuksInfo> luks = inv.luksOf(d.name());
                if (luks.isEmpty() || !luks.get().hasGuestcryptToken()) {
                    continue;
                }
                List<BlockDevice> maps = inv.children(d.name());
                String mount = maps.stream().flatMap(c -> c.mountPoints().stream()).findFirst().orElse("");
                String mapper = maps.stream().map(c -> c.path().replace("/dev/mapper/", "")).findFirst().orElse("");
                String luksUuid = luks.get().uuid();
                Optional<OperationHistory> op = opFor(journal, "luks:" + luksUuid, maps, luksUuid);
                if (maps.isEmpty()) {
                    String name = inv.crypttab().stream().filter(c -> c.device().equalsIgnoreCase("UUID=" + luksUuid)
                                    || c.option("header").map(h -> h.equals(luks.get().headerPath())).orElse(false))
                            .map(c -> c.name()).findFirst().orElse("");
                    String mountPoint = inv.fstab().stream().filter(f -> f.spec().equals("/dev/mapper/" + name)).map(f -> f.file())
                            .findFirst().orElse("");
                    String error = unlockErrors.getOrDefault(name, "");
                    volumes.add(new VolumeStatus(mountPoint, d.path(), name, VolumeState.LOCKED, -1, 0, -1,
                            error.matches("^GC\\d{4} .*") ? error.substring(0, 6) : "", error));
                    continue;
                }
                volumes.add(luks.get().reencryptionInProgress()
                        ? running(mount, d.path(), mapper, op, progress)
                        : new VolumeStatus(mount, d.path(), mapper, mount.isEmpty() ? VolumeState.NOT_MOUNTED : VolumeState.ENCRYPTED,
                        mount.isEmpty() ? -1 : 100, 0, -1, "", ""));
                continue;
            }
            if (!FILESYSTEMS.contains(d.fsType()) || !inv.children(d.name()).isEmpty() || d.mountPoints().isEmpty()) {
                continue;
            }
            String mount = d.mountPoints().get(0);
            Optional<OperationHistory> op = journal.latestFor("fs:" + d.uuid());
            if (op.isPresent() && !JournalSteps.FINAL.contains(op.get().lastStep())) {
                volumes.add(running(mount, d.path(), op.get().value("mapperName").orElse(""), op, progress));
            } else {
                String[] err = op.filter(o -> o.lastStep().equals(JournalSteps.ABANDONED)).map(StatusProjector::error).orElse(new String[] {"", ""});
                volumes.add(new VolumeStatus(mount, d.path(), "", VolumeState.NOT_ENCRYPTED, -1, 0, -1, err[0], err[1]));
            }
        }
        return new Status(now, volumes, osState(inv), dataState(volumes));
    }

    private static Optional<OperationHistory> opFor(JournalView journal, String key, List<BlockDevice> maps, String luksUuid) {
        for (OperationHistory h : journal.operations()) {
            if (h.volume().equals(key) || h.value(Planner.DATA_LUKS_UUID).map(luksUuid::equalsIgnoreCase).orElse(false)) {
                return journal.latestFor(h.volume());
            }
        }
        return Optional.empty();
    }

    private static VolumeStatus running(String mount, String device, String mapper, Optional<OperationHistory> op,
                                        Map<String, ProgressSnapshot> progress) {
        ProgressSnapshot p = progress.values().stream().filter(s -> s.mountPoint().equals(mount)).findFirst().orElse(null);
        String[] err = op.filter(o -> o.lastStep().equals(JournalSteps.FAILED)).map(StatusProjector::error).orElse(new String[] {"", ""});
        VolumeState state = err[0].isEmpty() ? VolumeState.ENCRYPTION_IN_PROGRESS : VolumeState.ENCRYPTION_FAILED;
        if (p == null) {
            return new VolumeStatus(mount, device, mapper, state, -1, 0, -1, err[0], err[1]);
        }
        return new VolumeStatus(mount, device, mapper, state, round(p.percent()), round(p.bytesPerSec() / (1 << 20)), p.etaSeconds(),
                err[0], err[1]);
    }

    private static String[] error(OperationHistory op) {
        String text = op.value(Planner.DATA_ERROR).orElse("");
        String code = text.matches("^GC\\d{4} .*") ? text.substring(0, 6) : "";
        return new String[] {code, text};
    }

    private static String osState(Inventory inv) {
        for (BlockDevice d : inv.devices()) {
            if (d.mountPoints().contains("/") && d.type().equals("crypt")) {
                return "Encrypted";
            }
        }
        return "NotEncrypted";
    }

    private static String dataState(List<VolumeStatus> volumes) {
        List<VolumeStatus> mounted = volumes.stream().filter(v -> v.state() != VolumeState.NOT_MOUNTED && v.state() != VolumeState.LOCKED)
                .toList();
        if (mounted.isEmpty()) {
            return "NotMounted";
        }
        if (mounted.stream().anyMatch(v -> v.state() == VolumeState.ENCRYPTION_IN_PROGRESS || v.state() == VolumeState.ENCRYPTION_FAILED)) {
            return "EncryptionInProgress";
        }
        return mounted.stream().allMatch(v -> v.state() == VolumeState.ENCRYPTED) ? "Encrypted" : "NotEncrypted";
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
