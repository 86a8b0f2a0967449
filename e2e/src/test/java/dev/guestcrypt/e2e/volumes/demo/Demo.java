package dev.guestcrypt.e2e.volumes.demo;

import dev.guestcrypt.e2e.volumes.support.Build;
import dev.guestcrypt.e2e.volumes.support.DataDisks;
import dev.guestcrypt.e2e.volumes.support.GuestImage;
import dev.guestcrypt.e2e.volumes.support.GuestVault;
import dev.guestcrypt.e2e.volumes.support.QemuGuest;
import dev.guestcrypt.e2e.volumes.support.Writer;
import dev.guestcrypt.testkit.kv.EmulatorState;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The whole job in one run (scripts/demo.sh): a Key Vault emulator, a Debian guest with two data
 * disks full of files, guestcrypt installed by its script, both disks encrypted online while a
 * writer keeps writing, live progress, a reboot, the volumes unlocked by themselves with every file
 * intact, and what the vault holds (names and tags, never values).
 */
public final class Demo {
    private static final String[][] DISKS = {{"data1", "/srv/data1"}, {"data2", "/srv/data2"}};

    public static void main(String[] args) throws Exception {
        Path work = Build.workDir("demo");
        Path payload = work.resolve("payload");
        step("Packaging guestcrypt for the guest");
        Build.installFolder(payload);
        try (GuestVault vault = new GuestVault(work.resolve("kv-state.json"));
             QemuGuest guest = new QemuGuest(GuestImage.findCached(), work).payload(payload)) {
            step("Key Vault emulator listening; vault " + vault.url());
            for (String[] d : DISKS) {
                guest.disk(DataDisks.blank(work, d[0], 512), d[0]);
            }
            step("Booting a Debian 12 guest (qemu, software CPU: about two minutes)");
            vault.forwardInto(guest).boot();
            vault.trustIn(guest, work);
            step("Filling two data disks with files and recording their checksums");
            for (String[] d : DISKS) {
                guest.shOk(DataDisks.prepare("ext4", d[0], d[1], 100));
                System.out.print(guest.shOk("df -h --output=target,source,size,used " + d[1] + " | tail -1"));
            }
            step("Installing guestcrypt with scripts/install.sh");
            System.out.print(guest.shOk("/mnt/payload/install/scripts/install.sh --from /mnt/payload/install 2>&1"));
            // The installation disk is the demo's own; unmounted, it does not show up as a data volume.
            guest.shOk("umount /mnt/payload");
            step("What guestcrypt would do (guestcrypt plan)");
            System.out.print(guest.sh("guestcrypt plan").stdout());
            step("Encrypting both disks while a writer keeps writing to them");
            for (String[] d : DISKS) {
                guest.shOk(Writer.start(d[1], d[0]));
            }
            // The command runs in the background in the guest; its own progress lines go to a file that
            // is shown as it grows. One guest-agent command at a time: the channel is not shared, and
            // polling "guestcrypt status" would start a JVM every few seconds on the emulated CPU.
            guest.shOk("rm -f /root/encrypt.rc; nohup sh -c 'guestcrypt encrypt --volume-type data --key-vault " + vault.url()
                    + " --volumes " + DISKS[0][1] + "," + DISKS[1][1] + " --wait > /root/encrypt.log 2>&1; echo $? > /root/encrypt.rc'"
                    + " >/dev/null 2>&1 &");
            int shown = 0;
            String rc = "";
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (rc.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(3000);
                rc = guest.sh("cat /root/encrypt.rc 2>/dev/null; true").stdout().trim();
                String[] lines = guest.sh("cat /root/encrypt.log 2>/dev/null; true").stdout().split("\\n", -1);
                for (int i = shown; i < lines.length - 1; i++) {
                    System.out.println("  " + lines[i]);
                }
                shown = Math.max(shown, lines.length - 1);
            }
            if (!rc.equals("0")) {
                throw new IllegalStateException("guestcrypt encrypt failed (exit code '" + rc + "'); see /root/encrypt.log in the guest");
            }
            for (String[] d : DISKS) {
                guest.shOk(Writer.stop(d[0]));
            }
            System.out.print(guest.shOk("lsblk -o NAME,TYPE,FSTYPE,MOUNTPOINT /dev/disk/by-id/virtio-data1 /dev/disk/by-id/virtio-data2"));
            step("Rebooting");
            guest.reboot();
            step("After the reboot: unlocked from Key Vault by guestcrypt-unlock.service, mounted, every file checked");
            for (String[] d : DISKS) {
                guest.shOk("for t in $(seq 1 120); do mountpoint -q " + d[1] + " && exit 0; sleep 2; done; exit 1");
                System.out.print(guest.shOk("findmnt -n -o TARGET,SOURCE " + d[1]));
                guest.shOk(DataDisks.verify(d[0], d[1]));
                System.out.println("  100 original files: sha256 identical; writer records acknowledged before the reboot: "
                        + guest.shOk(Writer.verify(d[1], d[0])).trim() + ", all intact");
            }
            guest.sh("umount /mnt/payload");
            System.out.print(guest.sh("guestcrypt status").stdout());
            step("What the vault holds (names and tags; values stay secret)");
            for (String name : vault.emulator().secretNames(vault.host())) {
                for (EmulatorState.SecretVersion v : vault.emulator().secretVersions(vault.host(), name)) {
                    System.out.println("  " + name + "/" + v.version + (v.contentType == null ? "" : "  contentType=" + v.contentType)
                            + "  tags=" + v.tags);
                }
            }
            step("Powering off and cleaning up");
            guest.shutdown();
        }
        Build.clean(work);
        step("Done");
    }

    private static void step(String text) {
        System.out.println();
        System.out.println("==> " + text);
    }
}
