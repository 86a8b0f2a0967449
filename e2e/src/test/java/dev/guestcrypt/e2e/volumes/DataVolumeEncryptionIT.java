package dev.guestcrypt.e2e.volumes;

import dev.guestcrypt.e2e.volumes.support.Build;
import dev.guestcrypt.e2e.volumes.support.DataDisks;
import dev.guestcrypt.e2e.volumes.support.ExecResult;
import dev.guestcrypt.e2e.volumes.support.GuestImage;
import dev.guestcrypt.e2e.volumes.support.GuestVault;
import dev.guestcrypt.e2e.volumes.support.PassphraseScan;
import dev.guestcrypt.e2e.volumes.support.QemuGuest;
import dev.guestcrypt.e2e.volumes.support.StopAfterFirstFailure;
import dev.guestcrypt.e2e.volumes.support.Writer;
import dev.guestcrypt.testkit.kv.FaultRule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data volumes encrypted in place, online, in a real Debian guest, with the Key Vault emulator on
 * the host: ext4, xfs and LVM volumes full of checksummed files while a writer keeps writing;
 * reboot and auto-unlock; power cuts mid re-encryption and right after each step before it; a
 * 403 at store time; the vault down at boot; a secret deleted by the operator; and finally no
 * passphrase anywhere on the disks, in the journal or in the status file.
 * One guest for the whole class; each step builds on the previous one. CI runs the online
 * encryption, the reboot, the 403 and the scan (about 20 minutes); the power cuts and the vault
 * faults at boot (tag vm-long, about 45 minutes more) run with -DvmExcludedGroups=none.
 */
@Tag("vm")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(StopAfterFirstFailure.class)
class DataVolumeEncryptionIT {
    /** serial, filesystem, mount point. */
    private static final String[][] VOLUMES = {
        {"ext4", "ext4", "/data/ext4"},
        {"xfs", "xfs", "/data/xfs"},
        {"lvm", "lvm", "/data/lvm"},
        {"cut", "ext4", "/data/cut"},
        {"deny", "ext4", "/data/deny"},
        {"pcfsck", "ext4", "/data/pcfsck"},
        {"pcboot", "ext4", "/data/pcboot"},
        {"pcluks", "ext4", "/data/pcluks"},
        {"scratch", "ext4", "/data/scratch"},
    };
    /** serial, mount point, the journal step right after which the power is cut. */
    private static final String[][] POWER_CUTS = {
        {"pcfsck", "/data/pcfsck", "FILESYSTEM_CHECKED"},   // unmounted and checked, before the shrink
        {"pcboot", "/data/pcboot", "BOOT_CONFIG_SWITCHED"}, // fstab and crypttab switched, no LUKS header yet
        {"pcluks", "/data/pcluks", "LUKS_INITIALISED"},     // header written, data not yet encrypted
    };
    private final List<Path> images = new ArrayList<>();
    private Path work;
    private GuestVault vault;
    private QemuGuest guest;

    @BeforeAll
    void bootAndPrepare() throws Exception {
        work = Build.workDir("data-volumes");
        Path payload = work.resolve("payload");
        Build.installFolder(payload);
        vault = new GuestVault(work.resolve("kv-state.json"));
        guest = new QemuGuest(GuestImage.findCached(), work).payload(payload);
        for (String[] v : VOLUMES) {
            // small disks keep the class short; xfs refuses file systems under 300 MiB
            Path img = DataDisks.blank(work, v[0], v[1].equals("xfs") ? 320 : 256);
            images.add(img);
            guest.disk(img, v[0]);
        }
        vault.forwardInto(guest).boot();
        vault.trustIn(guest, work);
        guest.shOk("/mnt/payload/install/scripts/install.sh --from /mnt/payload/install");
        for (String[] v : VOLUMES) {
            guest.shOk(DataDisks.prepare(v[1], v[0], v[2], 40));
        }
        // e2label on a mounted file system does not reach udev's database (which lsblk reads): ask udev to look again
        guest.shOk("e2label /dev/disk/by-id/virtio-scratch scratchfs && udevadm trigger --action=change --settle /dev/disk/by-id/virtio-scratch"
                + " && lsblk -n -o LABEL /dev/disk/by-id/virtio-scratch | grep -qx scratchfs && sed -i 's|^\\(UUID=[^ ]* /data/scratch ext4\\) defaults|\\1 defaults,noatime|' /etc/fstab"
                + " && mount -o remount /data/scratch && findmnt -n -o OPTIONS /data/scratch | grep -q noatime");
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

    private String encrypt(String volumes) {
        return "guestcrypt encrypt --volume-type data --key-vault " + vault.url() + " --volumes " + volumes + " --wait";
    }

    @Test
    @Order(1)
    void encryptsExt4XfsAndLvmOnlineWhileAWriterKeepsWriting() throws Exception {
        for (int i = 0; i < 3; i++) {
            guest.shOk(Writer.start(VOLUMES[i][2], VOLUMES[i][0]));
        }
        // software-emulated AES on a shared machine: allow for slow re-encryption
        ExecResult encrypted = guest.sh(encrypt("/data/ext4,/data/xfs,/data/lvm"), null, Duration.ofMinutes(60));
        assertThat(encrypted.exitCode()).as(encrypted.stdout() + encrypted.stderr()).isZero();
        // live progress, as plain lines off a terminal: percent, throughput, ETA
        assertThat(encrypted.stdout()).containsPattern("progress: /data/ext4 +[0-9.]+%  +[0-9.]+ MiB/s  ETA [0-9:]+");
        for (int i = 0; i < 3; i++) {
            guest.shOk(Writer.stop(VOLUMES[i][0]));
        }
        for (int i = 0; i < 3; i++) {
            String serial = VOLUMES[i][0];
            String mp = VOLUMES[i][2];
            guest.shOk(DataDisks.verify(serial, mp));
            assertThat(Integer.parseInt(guest.shOk(Writer.verify(mp, serial)).trim())).as("acknowledged writes on " + mp).isPositive();
            // mounted from the mapping, fstab and crypttab switched as the contract says
            assertThat(guest.shOk("findmnt -n -o SOURCE " + mp)).startsWith("/dev/mapper/gc-");
            String mapper = guest.shOk("findmnt -n -o SOURCE " + mp).trim().substring("/dev/mapper/".length());
            assertThat(guest.shOk("awk '$1==\"/dev/mapper/" + mapper + "\" && $2==\"" + mp + "\"' /etc/fstab"))
                    .contains("nofail").contains("_netdev").contains("x-systemd.requires=guestcrypt-unlock@" + mapper + ".service");
            assertThat(guest.shOk("awk '$1==\"" + mapper + "\"' /etc/crypttab")).contains("luks,noauto,nofail");
        }
        assertThat(guest.shOk("guestcrypt status --json")).contains("\"data\"").contains("Encrypted");
    }

    @Test
    @Order(2)
    void aDisposableVolumeIsErasedAndFormattedEncryptedOnlyWithYes() throws Exception {
        String dev = guest.shOk("readlink -f /dev/disk/by-id/virtio-scratch").trim();
        String format = "guestcrypt encrypt --volume-type data --key-vault " + vault.url() + " --volumes /data/scratch --format " + dev;
        ExecResult refused = guest.sh(format + " --wait");
        assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(64);
        assertThat(guest.shOk("ls /data/scratch | grep -c '^file-'").trim()).as("files before the confirmed format").isEqualTo("40");

        ExecResult formatted = guest.sh(format + " --yes --wait", null, Duration.ofMinutes(20));
        assertThat(formatted.exitCode()).as(formatted.stdout() + formatted.stderr()).isZero();
        assertThat(formatted.stdout()).contains("ALL DATA ON /data/scratch").contains("labelled 'scratchfs'");
        String source = guest.shOk("findmnt -n -o SOURCE /data/scratch").trim();
        assertThat(source).startsWith("/dev/mapper/gc-");
        assertThat(guest.shOk("findmnt -n -o FSTYPE,OPTIONS /data/scratch")).startsWith("ext4").contains("noatime");
        assertThat(guest.shOk("blkid -s LABEL -o value " + source).trim()).isEqualTo("scratchfs");
        assertThat(guest.shOk("blkid -s TYPE -o value " + dev).trim()).isEqualTo("crypto_LUKS");
        assertThat(guest.shOk("ls /data/scratch | grep -c '^file-' || true").trim()).as("old files after the format").isEqualTo("0");
        // the new, empty file system takes data and keeps it across the reboot of the next test
        guest.shOk("head -c 4194304 /dev/urandom > /data/scratch/after-format && (cd /data/scratch && sha256sum after-format)"
                + " > /root/manifest-scratch && sync");
    }

    @Test
    @Order(3)
    void afterACleanRebootTheVolumesUnlockByThemselvesWithEveryByteIntact() throws Exception {
        guest.reboot();
        for (int i = 0; i < 3; i++) {
            String serial = VOLUMES[i][0];
            String mp = VOLUMES[i][2];
            guest.shOk("for t in $(seq 1 120); do mountpoint -q " + mp + " && exit 0; sleep 2; done; exit 1");
            guest.shOk(DataDisks.verify(serial, mp));
            guest.shOk(Writer.verify(mp, serial));
        }
        guest.shOk("for t in $(seq 1 120); do mountpoint -q /data/scratch && exit 0; sleep 2; done; exit 1");
        guest.shOk(DataDisks.verify("scratch", "/data/scratch"));
        assertThat(guest.shOk("systemctl is-active 'guestcrypt-unlock@gc-*' | sort -u")).isEqualTo("active\n");
        // no console prompt from systemd-cryptsetup, no emergency shell
        // [p]: the guest agent logs each command it runs, and this pattern must not match its own text
        assertThat(guest.shOk("journalctl -b --no-pager | grep -v ' qemu-ga\\[' | grep -c 'Please enter pass[p]hrase' || true").trim())
                .isEqualTo("0");
        assertThat(guest.shOk("ls /run/systemd/ask-password/ 2>/dev/null | grep -c '^ask' || true").trim()).as("pending password prompts")
                .isEqualTo("0");
    }

    @Test
    @Order(4)
    @Tag("vm-long") // each reboots the guest at least once: outside CI's time, run with -DvmExcludedGroups=none
    void aPowerCutMidReEncryptionResumesAfterBootWithContentIntact() throws Exception {
        guest.shOk(Writer.start("/data/cut", "cut"));
        // with the daemon running, encrypt without --wait records the desired state and returns
        guest.shOk("guestcrypt encrypt --volume-type data --key-vault " + vault.url() + " --volumes /data/cut");
        // the daemon's status file carries live progress; cut once past a fifth
        guest.shOk("for t in $(seq 1 600); do tr -d ' \\n' < /var/lib/guestcrypt/status.json 2>/dev/null"
                + " | grep -q '\"mountPoint\":\"/data/cut\"[^}]*\"percent\":[2-9][0-9]\\.' && exit 0; sleep 1; done;"
                + " cat /var/lib/guestcrypt/status.json; exit 1");
        guest.powerCut();
        guest.boot();
        guest.shOk("for t in $(seq 1 600); do guestcrypt status --json | tr -d ' \\n' | grep -q '\"mountPoint\":\"/data/cut\"[^}]*\"state\":\"Encrypted\"'"
                + " && exit 0; sleep 2; done; guestcrypt status; exit 1");
        guest.shOk(DataDisks.verify("cut", "/data/cut"));
        guest.shOk(Writer.verify("/data/cut", "cut"));
    }

    @Test
    @Order(5)
    @Tag("vm-long") // each reboots the guest at least once: outside CI's time, run with -DvmExcludedGroups=none
    void aPowerCutAtEachStepBeforeTheOnlinePhaseResumesAfterBootWithContentIntact() throws Exception {
        for (String[] cut : POWER_CUTS) {
            String serial = cut[0];
            String mp = cut[1];
            guest.shOk(Writer.start(mp, serial));
            // the agent resets the machine (sysrq, no sync) right after recording this step
            guest.shOk("mkdir -p /run/guestcrypt && echo " + cut[2] + " > /run/guestcrypt/power-cut-after");
            try {
                guest.sh("guestcrypt encrypt --volume-type data --key-vault " + vault.url() + " --volumes " + mp);
            } catch (java.io.IOException resetWhileAnswering) {
                // the reset may come before the command returns
            }
            // nothing else stops this guest: it going off by itself is the cut firing
            guest.awaitOff(Duration.ofMinutes(10));
            guest.boot();
            guest.shOk("for t in $(seq 1 600); do guestcrypt status --json | tr -d ' \\n' | grep -q '\"mountPoint\":\"" + mp
                    + "\"[^}]*\"state\":\"Encrypted\"' && exit 0; sleep 2; done; guestcrypt status; exit 1");
            assertThat(guest.shOk("findmnt -n -o SOURCE " + mp)).startsWith("/dev/mapper/gc-");
            guest.shOk(DataDisks.verify(serial, mp));
            assertThat(Integer.parseInt(guest.shOk(Writer.verify(mp, serial)).trim())).as("acknowledged writes on " + mp).isPositive();
        }
    }

    @Test
    @Order(6)
    void aForbiddenStoreGivesAClearErrorAndLeavesTheVolumeUntouched() throws Exception {
        String before = guest.shOk("blkid -p /dev/disk/by-id/virtio-deny; findmnt -n -o SOURCE,FSTYPE /data/deny; sha256sum /etc/fstab /etc/crypttab");
        vault.emulator().setPermissions(vault.host(), vault.emulator().systemIdentity().objectId, List.of("secrets/get", "secrets/list"));
        try {
            ExecResult r = guest.sh(encrypt("/data/deny"));
            assertThat(r.exitCode()).isNotZero();
            assertThat(r.stderr() + r.stdout()).contains("GC11").containsIgnoringCase("permission").contains(vault.host().split("\\.")[0]);
        } finally {
            vault.emulator().setPermissions(vault.host(), vault.emulator().systemIdentity().objectId, null);
        }
        assertThat(guest.shOk("blkid -p /dev/disk/by-id/virtio-deny; findmnt -n -o SOURCE,FSTYPE /data/deny; sha256sum /etc/fstab /etc/crypttab"))
                .isEqualTo(before);
        assertThat(guest.sh("cryptsetup isLuks /dev/disk/by-id/virtio-deny").exitCode()).isNotZero();
        guest.shOk(DataDisks.verify("deny", "/data/deny"));
    }

    @Test
    @Order(7)
    @Tag("vm-long") // each reboots the guest at least once: outside CI's time, run with -DvmExcludedGroups=none
    void withTheVaultDownAtBootTheVmBootsAndTheVolumeUnlocksWhenTheVaultIsBack() throws Exception {
        guest.shutdown();
        FaultRule down = FaultRule.drop(".*");
        vault.emulator().addFault(down);
        try {
            guest.boot();
            // the guest agent answers: the OS is up, not in an emergency shell
            assertThat(guest.shOk("systemctl is-system-running --wait; true").trim()).isIn("running", "degraded");
            guest.shOk("for t in $(seq 1 600); do systemctl is-failed -q guestcrypt-unlock@$(findmnt -n -o SOURCE /data/ext4 >/dev/null || "
                    + "awk '$2==\"/data/ext4\"{sub(\"/dev/mapper/\",\"\",$1); print $1}' /etc/fstab).service && exit 0; sleep 2; done; exit 1");
            // the batch unlock has given up (a oneshot: "activating" while it retries, then "active")
            guest.shOk("for t in $(seq 1 300); do case $(systemctl is-active guestcrypt-unlock.service) in active|failed) exit 0;; esac;"
                    + " sleep 2; done; exit 1");
            assertThat(guest.shOk("journalctl -b --no-pager -u guestcrypt-unlock.service")).containsIgnoringCase("key vault");
            // the boot unlock itself wrote why the volumes stay locked: status says so at once
            assertThat(guest.shOk("guestcrypt status")).containsIgnoringCase("key vault");
        } finally {
            vault.emulator().clearFaults();
        }
        guest.shOk("for t in $(seq 1 300); do mountpoint -q /data/ext4 && exit 0; sleep 2; done; exit 1");
        guest.shOk(DataDisks.verify("ext4", "/data/ext4"));
    }

    @Test
    @Order(8)
    @Tag("vm-long") // each reboots the guest at least once: outside CI's time, run with -DvmExcludedGroups=none
    void aDeletedSecretKeepsItsVolumeLockedWithAClearErrorUntilTheOperatorRecoversIt() throws Exception {
        String luksUuid = guest.shOk("blkid -s UUID -o value /dev/vglvm/data").trim();
        String secret = vault.emulator().secretNames(vault.host()).stream()
                .filter(n -> vault.emulator().secretVersions(vault.host(), n).stream().anyMatch(v -> luksUuid.equals(v.tags.get("GuestcryptLuksUuid"))))
                .findFirst().orElseThrow(() -> new AssertionError("no secret tagged with LUKS UUID " + luksUuid));
        vault.emulator().deleteSecret(vault.host(), secret);
        try {
            guest.reboot();
            // the other volumes come up; this one stays locked, its data untouched, and says why
            guest.shOk("for t in $(seq 1 120); do mountpoint -q /data/ext4 && mountpoint -q /data/xfs && exit 0; sleep 2; done; exit 1");
            assertThat(guest.sh("mountpoint -q /data/lvm").exitCode()).isNotZero();
            String unlockLog = guest.shOk("journalctl -b --no-pager -o cat -u guestcrypt-unlock.service");
            assertThat(unlockLog).contains("GC1104").contains(secret).contains("recover it");
            guest.shOk("for t in $(seq 1 90); do guestcrypt status 2>&1 | grep -q GC1104 && exit 0; sleep 2; done; guestcrypt status; exit 1");
        } finally {
            vault.emulator().recoverSecret(vault.host(), secret);
        }
        // the daemon retries by itself and mounts the volume once the secret is back
        guest.shOk("for t in $(seq 1 150); do mountpoint -q /data/lvm && exit 0; sleep 2; done; exit 1");
        guest.shOk(DataDisks.verify("lvm", "/data/lvm"));
        guest.shOk(Writer.verify("/data/lvm", "lvm"));
    }

    @Test
    @Order(9)
    void noPassphraseAppearsOnAnyDiskInTheJournalOrInTheStatus() throws Exception {
        guest.shOk("journalctl --no-pager -o cat > /root/journal.txt; cp /var/lib/guestcrypt/status.json /root/ 2>/dev/null; sync");
        guest.shutdown();
        List<byte[]> secrets = vault.allPassphrases();
        // at least the first scenario's three volumes; eight when the long scenarios ran too
        assertThat(secrets).as("passphrases stored in the vault").hasSizeGreaterThanOrEqualTo(3);
        List<Path> haystacks = new ArrayList<>(images);
        haystacks.add(guest.osOverlay());
        assertThat(PassphraseScan.occurrences(haystacks, secrets)).as("passphrase occurrences").isEmpty();
    }
}
