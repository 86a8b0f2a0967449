package dev.guestcrypt.agent.plan;

import dev.guestcrypt.agent.inventory.Fixtures;
import dev.guestcrypt.agent.inventory.Inventory;
import dev.guestcrypt.agent.journal.JournalView;
import dev.guestcrypt.agent.settings.EncryptionSettings;
import dev.guestcrypt.agent.settings.SettingsParser;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** EnableEncryptionFormat / EnableEncryptionFormatAll on the Azure-like fixture machine. */
class PlannerFormatTest {
    private final Planner planner = new Planner();
    private final Inventory inv = Fixtures.azureVm();

    private static EncryptionSettings settings(String operation, String query) {
        Map<String, Object> m = new HashMap<>(Map.of("EncryptionOperation", operation, "VolumeType", "Data",
                "KeyVaultURL", "https://v.vault.azure.net", "SequenceVersion", "4"));
        if (query != null) {
            m.put("DiskFormatQuery", query);
        }
        return SettingsParser.parse(m, Map.of()).orThrow();
    }

    private static VolumePlan at(Plan plan, String mountPoint) {
        return plan.volumes().stream().filter(v -> v.mountPoint().equals(mountPoint)).findFirst().orElseThrow();
    }

    @Test
    void formatsOnlyTheListedVolumesAndEncryptsTheOthersInPlace() {
        Plan plan = planner.plan(settings("EnableEncryptionFormat", "[{\"dev_path\":\"/dev/disk/azure/scsi1/lun4\",\"file_system\":\"xfs\"},"
                + "{\"dev\":\"/dev/disk/azure/scsi1/lun0-part1\",\"mount_point\":\"/data\"}]"), inv, JournalView.empty());
        VolumePlan xfs = at(plan, "/xfsdata");
        assertThat(xfs.action()).isEqualTo(VolumeAction.FORMAT_ENCRYPTED);
        assertThat(xfs.device()).isEqualTo("sdg");
        assertThat(xfs.mapperName()).isEqualTo("gc-xfsdata");
        assertThat(xfs.note()).contains("ALL DATA ON /xfsdata (/dev/sdg) IS ERASED", "new empty xfs file system", "options 'defaults'")
                .contains("offline for about " + xfs.expectedDowntime().toSeconds() + " s");
        VolumePlan data = at(plan, "/data");
        assertThat(data.action()).isEqualTo(VolumeAction.FORMAT_ENCRYPTED);
        assertThat(data.device()).isEqualTo("sdc1");
        assertThat(data.note()).contains("ALL DATA ON /data", "ext4 file system labelled 'data'", "options 'defaults,noatime'");
        // Not listed: the usual in-place path, data kept.
        assertThat(at(plan, "/lv").action()).isEqualTo(VolumeAction.ENCRYPT_IN_PLACE);
        assertThat(at(plan, "/srv").action()).isEqualTo(VolumeAction.SKIP_ENCRYPTED);
        assertThat(plan.refusals()).isEmpty();
        assertThat(plan.volumes()).extracting(VolumePlan::device).doesNotContain("sdb1", "sda1", "sdf1");
    }

    @Test
    void refusesProtectedMissingBusyUnmountedAndMismatchedTargetsAndLeavesThemAlone() {
        Plan plan = planner.plan(settings("EnableEncryptionFormat", "["
                + "{\"dev\":\"/dev/sda1\"},"                                  // OS
                + "{\"dev\":\"/dev/sdf1\"},"                                  // BEK volume
                + "{\"dev\":\"/dev/disk/azure/scsi1/lun9\"},"                 // not attached
                + "{\"dev\":\"/dev/sde\"},"                                   // LVM member
                + "{\"dev\":\"/dev/disk/azure/scsi1/lun0\"},"                 // disk with a partition
                + "{\"dev\":\"/dev/sdh\"},"                                   // not mounted
                + "{\"dev\":\"/dev/sdc1\",\"file_system\":\"btrfs\"},"        // not made by the format flow
                + "{\"dev\":\"/dev/disk/by-uuid/88888888-8888-8888-8888-888888888888\",\"file_system\":\"ext4\"}]"), // xfs volume
                inv, JournalView.empty());
        Map<String, PlanRefusal> byDevice = new HashMap<>();
        plan.refusals().forEach(v -> byDevice.put(v.devicePath(), v.refusal().code()));
        assertThat(byDevice).containsEntry("/dev/sda1", PlanRefusal.FORMAT_TARGET_PROTECTED)
                .containsEntry("/dev/sdf1", PlanRefusal.FORMAT_TARGET_PROTECTED)
                .containsEntry("/dev/disk/azure/scsi1/lun9", PlanRefusal.FORMAT_TARGET_NOT_FOUND)
                .containsEntry("/dev/sde", PlanRefusal.FORMAT_TARGET_IN_USE)
                .containsEntry("/dev/sdc", PlanRefusal.FORMAT_TARGET_IN_USE)
                .containsEntry("/dev/sdh", PlanRefusal.FORMAT_TARGET_NOT_MOUNTED)
                .containsEntry("/dev/sdc1", PlanRefusal.FORMAT_FILESYSTEM_NOT_SUPPORTED)
                .containsEntry("/dev/sdg", PlanRefusal.FORMAT_TARGET_MISMATCH)
                .hasSize(8);
        assertThat(plan.refusals()).allSatisfy(v -> {
            assertThat(v.refusal().fix()).isNotBlank();
            assertThat(v.refusal().code().id()).matches("GC20(1[3-8])");
        });
        assertThat(plan.refusals().stream().filter(v -> v.devicePath().equals("/dev/sdg")).findFirst().orElseThrow().refusal().problem())
                .contains("asks for ext4", "/xfsdata is xfs");
        // A refused entry is not formatted, nor quietly encrypted in place instead.
        assertThat(plan.work()).extracting(VolumePlan::mountPoint).containsExactly("/lv");
        assertThat(plan.work()).noneMatch(v -> v.action() == VolumeAction.FORMAT_ENCRYPTED);
    }

    @Test
    void formatAllTakesEveryUnencryptedDataVolumeAndTheMountedResourceDisk() {
        Plan plan = planner.plan(settings("EnableEncryptionFormatAll", null), inv, JournalView.empty());
        assertThat(plan.work()).extracting(VolumePlan::mountPoint).containsExactlyInAnyOrder("/data", "/lv", "/xfsdata", "/mnt");
        assertThat(plan.work()).allSatisfy(v -> assertThat(v.action()).isEqualTo(VolumeAction.FORMAT_ENCRYPTED));
        assertThat(at(plan, "/mnt").note()).contains("ALL DATA ON /mnt (/dev/sdb1, the Azure resource disk) IS ERASED");
        assertThat(at(plan, "/srv").action()).isEqualTo(VolumeAction.SKIP_ENCRYPTED);
        assertThat(plan.volumes()).extracting(VolumePlan::device).doesNotContain("sda1", "sda15", "sdf1");
        assertThat(plan.refusals()).isEmpty();
    }

    @Test
    void withPlainEnableEncryptionTheResourceDiskIsNeverTouched() {
        Plan plan = planner.plan(settings("EnableEncryption", null), inv, JournalView.empty());
        assertThat(plan.volumes()).noneMatch(v -> v.mountPoint().equals("/mnt"));
        assertThat(plan.volumes()).noneMatch(v -> v.action() == VolumeAction.FORMAT_ENCRYPTED);
    }

    @Test
    void aRecordedFormatRequestNamesEachTargetsMountPointSoAnotherDiskUnderThatNameIsNeverErased() {
        Map<String, Object> request = new HashMap<>(Map.of("EncryptionOperation", "EnableEncryptionFormat", "VolumeType", "Data",
                "KeyVaultURL", "https://v.vault.azure.net", "SequenceVersion", "4",
                "DiskFormatQuery", List.of(Map.of("dev", "/dev/sdg"))));
        Map<String, Object> pinned = Planner.pinFormatTargets(request, inv);
        assertThat(pinned.get("DiskFormatQuery")).isEqualTo(List.of(Map.of("dev", "/dev/sdg", "mount_point", "/xfsdata")));
        assertThat(Planner.pinFormatTargets(Map.of("VolumeType", "Data"), inv)).doesNotContainKey("DiskFormatQuery");

        // After a reboot /dev/sdg is another disk, mounted at /data2: the recorded request refuses it.
        Inventory renamed = new Inventory(inv.devices().stream().map(d -> d.path().equals("/dev/sdg")
                        ? new dev.guestcrypt.agent.inventory.BlockDevice(d.name(), d.path(), d.type(), d.sizeBytes(), d.fsType(), d.uuid(),
                        d.label(), d.majMin(), List.of("/data2"), d.parents(), d.hctl(), d.readOnly()) : d).toList(),
                inv.mounts(), inv.fstab(), inv.crypttab(), inv.resourceDisks(), inv.luks(), inv.freeBytes());
        try (EncryptionSettings settings = SettingsParser.parse(pinned, Map.of()).orThrow()) {
            Plan plan = planner.plan(settings, renamed, JournalView.empty());
            assertThat(plan.work()).noneMatch(v -> v.device().equals("sdg"));
            assertThat(plan.refusals()).anySatisfy(v -> assertThat(v.refusal().code().id()).isEqualTo("GC2018"));
        }
    }
}
