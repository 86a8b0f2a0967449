package dev.guestcrypt.agent.inventory;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class InventoryTest {
    private final Inventory inv = Fixtures.azureVm();

    @Test
    void lsblkTreeIsFlattenedWithParentsAndMountPoints() {
        assertThat(inv.devices()).extracting(BlockDevice::name)
                .containsExactly("sda", "sda1", "sda15", "sdb", "sdb1", "sdc", "sdc1", "sdd", "dm-0", "sde", "dm-1", "sdf", "sdf1",
                        "sdg", "sdh", "sr0");
        BlockDevice data = inv.device("sdc1").orElseThrow();
        assertThat(data.parents()).containsExactly("sdc");
        assertThat(data.mountPoints()).containsExactly("/data");
        assertThat(data.sizeBytes()).isEqualTo((1L << 30) - (1L << 20));
        assertThat(inv.device("dm-0").orElseThrow().path()).isEqualTo("/dev/mapper/gc-srv");
        assertThat(inv.device("sdc").orElseThrow().mountPoints()).isEmpty();
    }

    @Test
    void aDeviceOnTwoParentsIsListedOnceWithBoth() {
        String json = """
                {"blockdevices":[
                 {"name":"vdb","kname":"vdb","path":"/dev/vdb","type":"disk","size":100,"children":[
                   {"name":"vg-lv","kname":"dm-3","path":"/dev/mapper/vg-lv","type":"lvm","size":180,"fstype":"ext4","mountpoints":["/lv"]}]},
                 {"name":"vdc","kname":"vdc","path":"/dev/vdc","type":"disk","size":100,"children":[
                   {"name":"vg-lv","kname":"dm-3","path":"/dev/mapper/vg-lv","type":"lvm","size":180,"fstype":"ext4","mountpoints":["/lv"]}]}]}
                """;
        List<BlockDevice> devices = LsblkParser.parse(json);
        assertThat(devices).hasSize(3);
        assertThat(devices.get(1).parents()).containsExactly("vdb", "vdc");
    }

    @Test
    void rolesKeepOsResourceAndBekDisksAwayFromData() {
        assertThat(inv.osDisks()).containsExactly("sda");
        assertThat(inv.role("sda1")).isEqualTo(VolumeRole.OS);
        assertThat(inv.role("sda15")).isEqualTo(VolumeRole.OS);
        assertThat(inv.role("sdb1")).isEqualTo(VolumeRole.RESOURCE);
        assertThat(inv.role("sdf1")).isEqualTo(VolumeRole.BEK);
        assertThat(inv.role("sdc1")).isEqualTo(VolumeRole.DATA);
        assertThat(inv.role("dm-1")).isEqualTo(VolumeRole.DATA);
        assertThat(inv.role("dm-0")).isEqualTo(VolumeRole.DATA);
    }

    @Test
    void mountinfoDecodesEscapesAndFindsTheMount() {
        assertThat(inv.mountAt("/with space")).hasValueSatisfying(m -> assertThat(m.source()).isEqualTo("/dev/sdz"));
        assertThat(inv.mountAt("/data")).hasValueSatisfying(m -> {
            assertThat(m.fsType()).isEqualTo("ext4");
            assertThat(m.options()).isEqualTo("rw,noatime");
        });
    }

    @Test
    void fstabLineIsFoundByUuidLabelPathOrMountPoint() {
        assertThat(inv.fstabFor(inv.device("sdc1").orElseThrow())).hasValueSatisfying(e -> {
            assertThat(e.file()).isEqualTo("/data");
            assertThat(e.options()).isEqualTo("defaults,noatime");
            assertThat(e.passno()).isEqualTo("2");
        });
        assertThat(inv.fstabFor(inv.device("sda1").orElseThrow())).hasValueSatisfying(e -> assertThat(e.file()).isEqualTo("/"));
        assertThat(inv.fstabFor(inv.device("dm-1").orElseThrow())).hasValueSatisfying(e -> assertThat(e.file()).isEqualTo("/lv"));
        assertThat(inv.fstabFor(inv.device("sdh").orElseThrow())).isEmpty();
        assertThat(inv.crypttabEntry("gc-srv")).hasValueSatisfying(c -> assertThat(c.device())
                .isEqualTo("UUID=44444444-4444-4444-4444-444444444444"));
    }

    @Test
    void withoutResourceDiskEvidenceTheDiskCountsAsData() {
        Inventory noLink = new Inventory(inv.devices(), inv.mounts(), inv.fstab(), inv.crypttab(), Set.of(), Map.of(), Map.of());
        assertThat(noLink.role("sdb1")).isEqualTo(VolumeRole.DATA);
    }
}
