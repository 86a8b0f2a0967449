package dev.guestcrypt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guestcrypt.testkit.vm.AgentInstaller;
import dev.guestcrypt.testkit.vm.DataDisk;
import dev.guestcrypt.testkit.vm.DataDiskImages;
import dev.guestcrypt.testkit.vm.GuestVm;
import dev.guestcrypt.testkit.vm.VmConfig;
import dev.guestcrypt.testkit.vm.VmImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other image layouts and the data disks tests will encrypt: the xfs-root layout with ext4,
 * xfs and LVM data volumes whose every file is checked against its manifest, a hot-plugged disk,
 * the agent installed by scripts/install.sh; and the single-partition layout with /boot inside root.
 */
@Tag("vm")
class LayoutsIT {
    @TempDir
    Path dir;

    @Test
    void xfsRootWithDataDisksAndTheAgentInstalled() throws Exception {
        DataDiskImages.Image ext4 = DataDiskImages.create(DataDiskImages.Kind.EXT4, dir.resolve("ext4.img"), 128, true, 6, 512);
        DataDiskImages.Image xfs = DataDiskImages.create(DataDiskImages.Kind.XFS, dir.resolve("xfs.img"), 320, false, 4, 512);
        DataDiskImages.Image empty = DataDiskImages.create(DataDiskImages.Kind.EMPTY, dir.resolve("lvm.img"), 128, false, 0, 0);
        assertThat(Files.readAllLines(ext4.manifest())).hasSize(6);
        try (GuestVm vm = GuestVm.start(VmConfig.builder("layout-b").layout(VmImage.Layout.B)
                .dataDisk(ext4.asLun(0)).dataDisk(xfs.asLun(1)).build())) {
            assertThat(vm.shOk("findmnt -no FSTYPE /").strip()).isEqualTo("xfs");
            assertThat(vm.shOk("findmnt -no FSTYPE /boot").strip()).isEqualTo("ext4");

            vm.shOk("mkdir -p /mnt/e /mnt/x && mount /dev/disk/azure/scsi1/lun0-part1 /mnt/e && mount /dev/disk/azure/scsi1/lun1 /mnt/x");
            assertThat(vm.shOk("blkid -s UUID -o value /dev/disk/azure/scsi1/lun0-part1").strip()).isEqualTo(ext4.fsUuid());
            DataDiskImages.verifyInGuest(vm, ext4.manifest(), "/mnt/e");
            DataDiskImages.verifyInGuest(vm, xfs.manifest(), "/mnt/x");
            // A changed byte is caught: the manifest check really compares content.
            vm.shOk("printf x | dd of=/mnt/e/dir0/file0.bin bs=1 seek=100 conv=notrunc status=none");
            assertThat(vm.sh("cd /mnt/e && sha256sum --quiet -c /run/gcvm-manifest-ext4.img.manifest").exitCode()).isNotZero();

            vm.attachDisk(DataDisk.lun(2, empty.file()));
            Path lvmManifest = DataDiskImages.makeLvmInGuest(vm, "/dev/disk/azure/scsi1/lun2", "datavg", "datalv", 4, 256,
                    dir.resolve("lvm.manifest"));
            vm.shOk("mkdir -p /mnt/l && mount /dev/datavg/datalv /mnt/l");
            DataDiskImages.verifyInGuest(vm, lvmManifest, "/mnt/l");
            assertThat(Files.readAllLines(lvmManifest)).hasSize(4);

            String out = AgentInstaller.install(vm, "--no-start");
            assertThat(out).contains("install:");
            vm.shOk("test -x /usr/local/bin/guestcrypt && test -f /opt/guestcrypt/guestcrypt.jar && test -d /opt/guestcrypt/lib");
            assertThat(vm.shOk("systemctl is-enabled guestcrypt-agent.service").strip()).isEqualTo("enabled");
            assertThat(vm.sh("test -e /dev/disk/by-id/virtio-gcpayload").exitCode()).isNotZero(); // unplugged again
        }
    }

    @Test
    void singleRootWithBootInside() {
        try (GuestVm vm = GuestVm.start(VmConfig.builder("layout-c").layout(VmImage.Layout.C).build())) {
            assertThat(vm.shOk("findmnt -no FSTYPE /").strip()).isEqualTo("ext4");
            assertThat(vm.sh("findmnt /boot").exitCode()).isNotZero();
            assertThat(vm.shOk("ls /boot")).contains("vmlinuz-").contains("initrd.img-");
            assertThat(vm.shOk("cat /proc/cmdline")).contains("root=UUID=" + vm.image().rootPartition().uuid());
        }
    }
}
