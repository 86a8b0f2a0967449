package dev.guestcrypt.e2e.volumes;

import dev.guestcrypt.e2e.volumes.support.Build;
import dev.guestcrypt.e2e.volumes.support.DataDisks;
import dev.guestcrypt.e2e.volumes.support.ExecResult;
import dev.guestcrypt.e2e.volumes.support.GuestImage;
import dev.guestcrypt.e2e.volumes.support.GuestVault;
import dev.guestcrypt.e2e.volumes.support.Host;
import dev.guestcrypt.e2e.volumes.support.QemuGuest;
import dev.guestcrypt.e2e.volumes.support.Writer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An md RAID1 data volume is a volume like any other: encrypted in place online (the header inside
 * the array, both members carrying the same encrypted data), and after a reboot the array is
 * assembled, opened from the vault and mounted by itself. mdadm is not in the guest image: it is
 * fetched on the host from Debian (the host runs the same release) and installed from the payload.
 */
@Tag("vm")
@Tag("vm-long") // its own guest and a reboot: outside CI's time, run with -DvmExcludedGroups=none
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MdRaidVolumeIT {
    private static final String MOUNT_POINT = "/data/md";
    private Path work;
    private GuestVault vault;
    private QemuGuest guest;

    @BeforeAll
    void bootWithAMirror() throws Exception {
        work = Build.workDir("md-raid");
        Path payload = work.resolve("payload");
        Build.installFolder(payload);
        Path debs = Files.createDirectories(payload.resolve("debs"));
        Host.Result fetched = Host.runAllowingFailure(List.of("sh", "-c", "cd " + debs + " && apt-get download mdadm lsb-base"));
        assumeTrue(fetched.exitCode() == 0, "cannot fetch mdadm from Debian on the host: " + fetched.stderr());
        vault = new GuestVault(work.resolve("kv-state.json"));
        guest = new QemuGuest(GuestImage.findCached(), work).payload(payload);
        for (String serial : new String[] {"mda", "mdb"}) {
            guest.disk(DataDisks.blank(work, serial, 256), serial);
        }
        vault.forwardInto(guest).boot();
        vault.trustIn(guest, work);
        guest.shOk("/mnt/payload/install/scripts/install.sh --from /mnt/payload/install");
        guest.shOk("DEBIAN_FRONTEND=noninteractive dpkg -i /mnt/payload/debs/*.deb >/root/dpkg.log 2>&1 || { tail -20 /root/dpkg.log; exit 1; }");
        // A mirror with metadata 1.2 (its superblock 4 KiB into each member), listed in mdadm.conf as an installer would.
        guest.shOk("set -e; mdadm --create /dev/md/gcmirror --run --level=1 --raid-devices=2 --metadata=1.2 --assume-clean"
                + " /dev/disk/by-id/virtio-mda /dev/disk/by-id/virtio-mdb; mdadm --detail --scan >> /etc/mdadm/mdadm.conf; udevadm settle");
        guest.shOk(DataDisks.prepareOn("/dev/md/gcmirror", "ext4", "md", MOUNT_POINT, 40));
    }

    @AfterAll
    void stop() throws Exception {
        if (guest != null) {
            guest.close();
        }
        if (vault != null) {
            vault.close();
        }
    }

    @Test
    void aRaid1VolumeIsEncryptedInPlaceOnlineAndUnlocksAfterAReboot() throws Exception {
        // one volume to encrypt, the array; its members are never planned on their own
        String plan = guest.shOk("guestcrypt plan");
        assertThat(plan.lines().filter(l -> l.contains("encrypt in place"))).as(plan).singleElement()
                .satisfies(l -> assertThat(l).startsWith(MOUNT_POINT + " ("));

        guest.shOk(Writer.start(MOUNT_POINT, "md"));
        ExecResult encrypted = guest.sh("guestcrypt encrypt --volume-type data --key-vault " + vault.url() + " --volumes " + MOUNT_POINT
                + " --wait", null, Duration.ofMinutes(30));
        assertThat(encrypted.exitCode()).as(encrypted.stdout() + encrypted.stderr()).isZero();
        guest.shOk(Writer.stop("md"));
        guest.shOk(DataDisks.verify("md", MOUNT_POINT));
        assertThat(Integer.parseInt(guest.shOk(Writer.verify(MOUNT_POINT, "md")).trim())).as("acknowledged writes").isPositive();
        // the LUKS2 header sits inside the array, not on a member: both members stay plain md members
        String array = guest.shOk("readlink -f /dev/md/gcmirror").trim();
        assertThat(guest.shOk("lsblk -n -o TYPE,FSTYPE " + array + " | head -1")).contains("raid1").contains("crypto_LUKS");
        assertThat(guest.shOk("blkid -o value -s TYPE /dev/disk/by-id/virtio-mda /dev/disk/by-id/virtio-mdb"))
                .isEqualTo("linux_raid_member\nlinux_raid_member\n");
        assertThat(guest.shOk("findmnt -n -o SOURCE " + MOUNT_POINT)).startsWith("/dev/mapper/gc-");

        guest.reboot();
        guest.shOk("for t in $(seq 1 150); do mountpoint -q " + MOUNT_POINT + " && exit 0; sleep 2; done; cat /proc/mdstat; exit 1");
        assertThat(guest.shOk("cat /proc/mdstat")).contains("raid1").contains("[UU]");
        assertThat(guest.shOk("findmnt -n -o SOURCE " + MOUNT_POINT)).startsWith("/dev/mapper/gc-");
        guest.shOk(DataDisks.verify("md", MOUNT_POINT));
        guest.shOk(Writer.verify(MOUNT_POINT, "md"));
        assertThat(guest.shOk("guestcrypt status --json").replace(" ", "")).contains("\"mountPoint\":\"" + MOUNT_POINT + "\"")
                .contains("Encrypted");
    }
}
