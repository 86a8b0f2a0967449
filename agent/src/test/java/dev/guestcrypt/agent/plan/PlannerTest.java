package dev.guestcrypt.agent.plan;

import dev.guestcrypt.agent.inventory.Fixtures;
import dev.guestcrypt.agent.inventory.Inventory;
import dev.guestcrypt.agent.inventory.TabFiles;
import dev.guestcrypt.agent.journal.JournalRecord;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.journal.JournalView;
import dev.guestcrypt.agent.settings.EncryptionSettings;
import dev.guestcrypt.agent.settings.SettingsParser;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PlannerTest {
    private final Planner planner = new Planner();
    private final Inventory inv = Fixtures.azureVm();

    private static EncryptionSettings settings(String volumeType, Object volumes) {
        Map<String, Object> m = new HashMap<>(Map.of("EncryptionOperation", "EnableEncryption", "VolumeType", volumeType,
                "KeyVaultURL", "https://v.vault.azure.net", "SequenceVersion", "3"));
        if (volumes != null) {
            m.put("Volumes", volumes);
        }
        return SettingsParser.parse(m, Map.of()).orThrow();
    }

    private static VolumePlan at(Plan plan, String mountPoint) {
        return plan.volumes().stream().filter(v -> v.mountPoint().equals(mountPoint)).findFirst().orElseThrow();
    }

    @Test
    void plansDataVolumesOnlyAndNeverTheOsResourceOrBekDisks() {
        Plan plan = planner.plan(settings("Data", null), inv, JournalView.empty());
        VolumePlan data = at(plan, "/data");
        assertThat(data.action()).isEqualTo(VolumeAction.ENCRYPT_IN_PLACE);
        assertThat(data.mapperName()).isEqualTo("gc-data");
        assertThat(data.volumeKey()).isEqualTo("fs:33333333-3333-3333-3333-333333333333");
        assertThat(data.expectedDowntime().toSeconds()).isBetween(3L, 10L);
        assertThat(at(plan, "/lv").action()).isEqualTo(VolumeAction.ENCRYPT_IN_PLACE);
        assertThat(at(plan, "/srv").action()).isEqualTo(VolumeAction.SKIP_ENCRYPTED);
        assertThat(at(plan, "/xfsdata").action()).isEqualTo(VolumeAction.ENCRYPT_DETACHED_HEADER);
        assertThat(plan.volumes()).extracting(VolumePlan::device).doesNotContain("sda1", "sda15", "sdb1", "sdf1", "sr0", "dm-0");
        assertThat(plan.volumes().stream().filter(v -> v.device().equals("sdh")).findFirst().orElseThrow().action())
                .isEqualTo(VolumeAction.SKIP);
        assertThat(plan.work()).extracting(VolumePlan::mountPoint).containsExactly("/data", "/lv", "/xfsdata");
    }

    @Test
    void volumesFilterAndItsRefusals() {
        Plan plan = planner.plan(settings("Data", List.of("/data", "/nope", "/mnt")), inv, JournalView.empty());
        assertThat(plan.work()).extracting(VolumePlan::mountPoint).containsExactly("/data");
        assertThat(plan.refusals()).extracting(v -> v.refusal().code())
                .containsExactlyInAnyOrder(PlanRefusal.VOLUME_NOT_FOUND, PlanRefusal.NOT_A_DATA_VOLUME);
        assertThat(plan.refusals()).allSatisfy(v -> assertThat(v.refusal().fix()).isNotBlank());
    }

    @Test
    void refusesWithoutFstabLineOrFreeSpace() {
        Inventory noFstab = new Inventory(inv.devices(), inv.mounts(), TabFiles.parseFstab("LABEL=cloudimg-rootfs / ext4 defaults 0 1\n"),
                inv.crypttab(), inv.resourceDisks(), inv.luks(), inv.freeBytes());
        VolumePlan p = at(planner.plan(settings("Data", List.of("/data")), noFstab, JournalView.empty()), "/data");
        assertThat(p.refusal().code()).isEqualTo(PlanRefusal.VOLUME_NOT_IN_FSTAB);
        assertThat(p.refusal().fix()).contains("UUID=33333333-3333-3333-3333-333333333333 /data ext4");
        Inventory full = new Inventory(inv.devices(), inv.mounts(), inv.fstab(), inv.crypttab(), inv.resourceDisks(), inv.luks(),
                Map.of("/data", 10L << 20));
        VolumePlan q = at(planner.plan(settings("Data", List.of("/data")), full, JournalView.empty()), "/data");
        assertThat(q.refusal().code()).isEqualTo(PlanRefusal.NOT_ENOUGH_FREE_SPACE);
        assertThat(q.refusal().problem()).contains("10 MiB free");
    }

    @Test
    void osVolumeTypeIsRefusedHonestly() {
        Plan plan = planner.plan(settings("OS", null), inv, JournalView.empty());
        assertThat(plan.volumes()).singleElement().satisfies(v -> assertThat(v.refusal().code()).isEqualTo(PlanRefusal.OS_VOLUME_NOT_SUPPORTED));
        Plan all = planner.plan(settings("All", null), inv, JournalView.empty());
        assertThat(all.refusals()).hasSize(1);
        assertThat(all.work()).hasSize(3);
    }

    @Test
    void unfinishedJournalOperationsAreResumedWhateverTheSettings() {
        Instant t = Instant.parse("2026-11-29T01:00:00Z");
        JournalView journal = new JournalView(List.of(
                new JournalRecord(t, "op1", "fs:33333333-3333-3333-3333-333333333333", JournalSteps.STARTED,
                        Map.of("mapperName", "gc-data", "mountPoint", "/data", "luksUuid", "aaaaaaaa-0000-0000-0000-000000000000")),
                new JournalRecord(t, "op1", "fs:33333333-3333-3333-3333-333333333333", JournalSteps.KEY_PROTECTED, Map.of())));
        Plan plan = planner.plan(null, inv, journal);
        assertThat(plan.work()).singleElement().satisfies(v -> {
            assertThat(v.action()).isEqualTo(VolumeAction.RESUME);
            assertThat(v.operation()).isEqualTo("op1");
            assertThat(v.device()).isEqualTo("sdc1");
        });
        Plan withSettings = planner.plan(settings("Data", null), inv, journal);
        assertThat(withSettings.work()).extracting(VolumePlan::mountPoint).containsExactly("/data", "/lv", "/xfsdata");
        assertThat(withSettings.work().get(0).action()).isEqualTo(VolumeAction.RESUME);
    }

    @Test
    void anAbandonedAttemptIsNotRepeatedForTheSameRequest() {
        Instant t = Instant.parse("2026-11-29T01:00:00Z");
        JournalView journal = new JournalView(List.of(
                new JournalRecord(t, "op1", "fs:33333333-3333-3333-3333-333333333333", JournalSteps.ABANDONED,
                        Map.of("error", "GC3001 VOLUME_BUSY: /data is in use", "sequence", "3"))));
        VolumePlan p = at(planner.plan(settings("Data", null), inv, journal), "/data");
        assertThat(p.refusal().code()).isEqualTo(PlanRefusal.PREVIOUS_ATTEMPT_FAILED);
        assertThat(p.refusal().problem()).contains("in use");
    }

    @Test
    void mapperNamesAreUniqueAndSafe() {
        assertThat(MapperNames.forMountPoint("/srv/www data", "sdc1", java.util.Set.of())).isEqualTo("gc-srv-www-data");
        assertThat(MapperNames.forMountPoint("/data", "sdc1", java.util.Set.of("gc-data"))).isEqualTo("gc-data-2");
        assertThat(MapperNames.forMountPoint("/", "sdc1", java.util.Set.of())).isEqualTo("gc-sdc1");
    }

    @Test
    void theDowntimeEstimateGrowsWithTheSpaceInUseNotWithTheDiskSize() {
        assertThat(Planner.inPlaceDowntime(0).toSeconds()).isEqualTo(3);
        assertThat(Planner.inPlaceDowntime(1L << 30).toSeconds()).isEqualTo(4);
        assertThat(Planner.inPlaceDowntime(100L << 30).toSeconds()).isEqualTo(28);
        assertThat(Planner.DETACHED_DOWNTIME.toSeconds()).isLessThan(Planner.inPlaceDowntime(0).toSeconds());
    }

    @Test
    void thePlanLineSaysWhatADetachedHeaderMeansForMovingTheDisk() {
        Plan plan = planner.plan(settings("Data", null), inv, JournalView.empty());
        assertThat(dev.guestcrypt.agent.service.PlanText.line(at(plan, "/xfsdata")))
                .contains("/var/lib/guestcrypt/headers", "moving the disk to another VM means moving its header file too");
        assertThat(dev.guestcrypt.agent.service.PlanText.line(at(plan, "/data")))
                .contains("offline for about", "file-system check", "the disk stays self-contained");
    }

    /** Two disks in an md RAID1 holding one ext4 file system, next to the OS disk. */
    private static Inventory mdRaidVm() {
        String member = "{\"name\": \"%s\", \"kname\": \"%s\", \"path\": \"/dev/%s\", \"type\": \"disk\", \"size\": 1073741824,"
                + " \"fstype\": \"linux_raid_member\", \"uuid\": \"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\", \"label\": \"vm:0\","
                + " \"maj:min\": \"8:%d\", \"mountpoints\": [null], \"hctl\": \"1:0:0:%d\", \"ro\": false, \"children\": [{\"name\": \"md0\","
                + " \"kname\": \"md0\", \"path\": \"/dev/md0\", \"type\": \"raid1\", \"size\": 1072693248, \"fstype\": \"ext4\","
                + " \"uuid\": \"99999999-9999-9999-9999-999999999999\", \"label\": null, \"maj:min\": \"9:0\", \"mountpoints\": [\"/raid\"],"
                + " \"hctl\": null, \"ro\": false}]}";
        String lsblk = "{\"blockdevices\": [{\"name\": \"sda\", \"kname\": \"sda\", \"path\": \"/dev/sda\", \"type\": \"disk\","
                + " \"size\": 32212254720, \"fstype\": null, \"uuid\": null, \"label\": null, \"maj:min\": \"8:0\", \"mountpoints\": [null],"
                + " \"hctl\": \"0:0:0:0\", \"ro\": false, \"children\": [{\"name\": \"sda1\", \"kname\": \"sda1\", \"path\": \"/dev/sda1\","
                + " \"type\": \"part\", \"size\": 32210157568, \"fstype\": \"ext4\", \"uuid\": \"11111111-1111-1111-1111-111111111111\","
                + " \"label\": \"cloudimg-rootfs\", \"maj:min\": \"8:1\", \"mountpoints\": [\"/\"], \"hctl\": null, \"ro\": false}]}, "
                + String.format(member, "sde", "sde", "sde", 64, 4) + ", " + String.format(member, "sdf", "sdf", "sdf", 80, 5) + "]}";
        String mountinfo = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
                + "40 22 9:0 / /raid rw,relatime shared:11 - ext4 /dev/md0 rw\n";
        String fstab = "LABEL=cloudimg-rootfs / ext4 defaults 0 1\nUUID=99999999-9999-9999-9999-999999999999 /raid ext4 defaults 0 2\n";
        return new Inventory(dev.guestcrypt.agent.inventory.LsblkParser.parse(lsblk), dev.guestcrypt.agent.inventory.MountInfoParser.parse(mountinfo),
                TabFiles.parseFstab(fstab), List.of(), java.util.Set.of(), Map.of(), Map.of("/raid", 800L << 20));
    }

    @Test
    void anMdRaidArrayIsOneVolumeAndItsMemberDisksAreNeverTouched() {
        Plan plan = planner.plan(settings("Data", null), mdRaidVm(), JournalView.empty());
        VolumePlan raid = at(plan, "/raid");
        assertThat(raid.action()).isEqualTo(VolumeAction.ENCRYPT_IN_PLACE);
        assertThat(raid.devicePath()).isEqualTo("/dev/md0");
        assertThat(raid.volumeKey()).isEqualTo("fs:99999999-9999-9999-9999-999999999999");
        assertThat(plan.work()).extracting(VolumePlan::device).containsExactly("md0");
    }
}
