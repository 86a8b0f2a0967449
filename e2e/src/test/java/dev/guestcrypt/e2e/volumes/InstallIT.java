package dev.guestcrypt.e2e.volumes;

import dev.guestcrypt.e2e.volumes.support.Build;
import dev.guestcrypt.e2e.volumes.support.GuestImage;
import dev.guestcrypt.e2e.volumes.support.QemuGuest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/install.sh and scripts/uninstall.sh in a real Debian guest: layout, modes, units that
 * systemd accepts, the boot generator, idempotence, and an uninstall that keeps everything a
 * volume needs. One boot for the whole class.
 */
@Tag("vm")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallIT {
    private QemuGuest guest;

    @BeforeAll
    void boot() throws Exception {
        Path work = Build.workDir("install");
        Path payload = work.resolve("payload");
        Build.installFolder(payload);
        guest = new QemuGuest(GuestImage.findCached(), work).payload(payload);
        guest.boot();
    }

    @AfterAll
    void stop() throws Exception {
        if (guest != null) {
            guest.close();
        }
    }

    @Test
    @Order(1)
    void installsProgramLauncherUnitsAndStateFolders() throws Exception {
        String out = guest.shOk("/mnt/payload/install/scripts/install.sh --from /mnt/payload/install --no-start 2>&1");
        assertThat(out).contains("installed in /opt/guestcrypt-").contains("unit /etc/systemd/system/guestcrypt-agent.service written");

        assertThat(guest.shOk("readlink /opt/guestcrypt")).startsWith("/opt/guestcrypt-");
        // the installed program is byte for byte the build
        guest.shOk("cmp /opt/guestcrypt/guestcrypt.jar /mnt/payload/install/guestcrypt.jar"
                + " && cd /mnt/payload/install/lib && for f in *.jar; do cmp \"$f\" \"/opt/guestcrypt/lib/$f\" || exit 1; done"
                + " && [ $(ls /opt/guestcrypt/lib | wc -l) -eq $(ls /mnt/payload/install/lib | wc -l) ]");
        assertThat(guest.shOk("stat -c '%a %U' /usr/local/bin/guestcrypt /var/lib/guestcrypt /var/lib/guestcrypt/headers"
                + " /usr/local/lib/systemd/system-generators/guestcrypt-generator"))
                .isEqualTo("755 root\n700 root\n700 root\n755 root\n");
        String launcher = guest.shOk("cat /usr/local/bin/guestcrypt");
        assertThat(launcher).contains("-XX:+UseSerialGC").contains("-Xmx96m").contains("-jar /opt/guestcrypt/guestcrypt.jar \"$@\"");
        assertThat(guest.sh("/usr/local/bin/guestcrypt --help").exitCode()).isZero();
        assertThat(guest.shOk("systemctl is-enabled guestcrypt-agent.service")).isEqualTo("enabled\n");
    }

    @Test
    @Order(2)
    void systemdAcceptsTheUnits() throws Exception {
        String out = guest.shOk("cp /etc/systemd/system/guestcrypt-unlock@.service /run/guestcrypt-unlock@gc-data.service"
                + " && systemd-analyze verify /etc/systemd/system/guestcrypt-agent.service /etc/systemd/system/guestcrypt-unlock.service"
                + " /run/guestcrypt-unlock@gc-data.service 2>&1;"
                + " rm -f /run/guestcrypt-unlock@gc-data.service");
        assertThat(out).isEmpty();
        assertThat(guest.shOk("systemctl show -p Type -p NotifyAccess -p Restart -p KillMode guestcrypt-agent.service"))
                .contains("Type=notify").contains("NotifyAccess=all").contains("Restart=on-failure").contains("KillMode=mixed");
        // no private mount namespace: the daemon's mounts must be the system's
        assertThat(guest.shOk("systemctl show -p ProtectSystem -p ProtectHome -p PrivateTmp -p PrivateDevices guestcrypt-agent.service"))
                .contains("ProtectSystem=no").contains("ProtectHome=no").contains("PrivateTmp=no").contains("PrivateDevices=no");
        assertThat(guest.shOk("systemctl show -p ExecStart guestcrypt-unlock.service"))
                .contains("/usr/local/bin/guestcrypt unlock --all --wait");
        assertThat(guest.shOk("systemctl show -p Wants -p After guestcrypt-unlock@gc-data.service"))
                .contains("guestcrypt-unlock.service");
    }

    @Test
    @Order(3)
    void aVolumeUnitRunsTheSharedUnlockOnceAndFailsNamingItsVolumeWhenNotOpen() throws Exception {
        // No gc-* line in crypttab here: the shared unlock has nothing to open and succeeds; the
        // volume's own unit then finds no /dev/mapper/gc-none and fails with the way out.
        var r = guest.sh("systemctl start guestcrypt-unlock@gc-none.service");
        assertThat(r.exitCode()).isNotZero();
        assertThat(guest.shOk("systemctl is-active guestcrypt-unlock.service || true")).isEqualTo("active\n");
        assertThat(guest.shOk("journalctl -b -o cat -u guestcrypt-unlock@gc-none.service"))
                .contains("gc-none is not open").contains("guestcrypt unlock --name gc-none");
        // A second volume unit does not run the shared unlock again.
        String runs = "systemctl show -p InvocationID --value guestcrypt-unlock.service";
        String before = guest.shOk(runs);
        assertThat(before).isNotBlank();
        guest.sh("systemctl start guestcrypt-unlock@gc-other.service");
        assertThat(guest.shOk(runs)).isEqualTo(before);
        guest.shOk("systemctl reset-failed 'guestcrypt-unlock@*' || true");
    }

    @Test
    @Order(4)
    void generatorTakesOverSystemdCryptsetupOnlyForGuestcryptNoautoLines() throws Exception {
        String out = guest.shOk("d=$(mktemp -d) && printf '%s\\n' '# comment'"
                + " 'gc-data UUID=11111111-2222-3333-4444-555555555555 none luks,noauto,nofail'"
                + " 'gc-auto UUID=1 none luks,nofail' 'home UUID=2 none luks,noauto' > $d/crypttab"
                + " && mkdir $d/n $d/e $d/l && SYSTEMD_CRYPTTAB=$d/crypttab /usr/local/lib/systemd/system-generators/guestcrypt-generator $d/n $d/e $d/l"
                + " && ls $d/e && cat \"$d/e/systemd-cryptsetup@gc\\x2ddata.service\"");
        assertThat(out).startsWith("systemd-cryptsetup@gc\\x2ddata.service\n")
                .contains("Requires=guestcrypt-unlock@gc-data.service")
                .contains("After=guestcrypt-unlock@gc-data.service")
                .doesNotContain("gc-auto").doesNotContain("home");
    }

    @Test
    @Order(5)
    void secondInstallChangesNothing() throws Exception {
        String before = guest.shOk("find /opt/guestcrypt/ /opt/guestcrypt-* /usr/local/bin/guestcrypt /etc/systemd/system/guestcrypt* "
                + "/usr/local/lib/systemd/system-generators/guestcrypt-generator -exec stat -c '%n %i %Y %a' {} + | sort");
        String out = guest.shOk("/mnt/payload/install/scripts/install.sh --from /mnt/payload/install --no-start 2>&1");
        assertThat(out).contains("already installed").doesNotContain("written");
        String after = guest.shOk("find /opt/guestcrypt/ /opt/guestcrypt-* /usr/local/bin/guestcrypt /etc/systemd/system/guestcrypt* "
                + "/usr/local/lib/systemd/system-generators/guestcrypt-generator -exec stat -c '%n %i %Y %a' {} + | sort");
        assertThat(after).isEqualTo(before);
    }

    @Test
    @Order(6)
    void refusesBadInputWithProblemAndFix() throws Exception {
        var r = guest.sh("/mnt/payload/install/scripts/install.sh --from /nonexistent");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("--from '/nonexistent' is not a folder").contains("fix:");
        r = guest.sh("/mnt/payload/install/scripts/install.sh --frobnicate");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("unknown argument '--frobnicate'").contains("fix:");
    }

    @Test
    @Order(7)
    void uninstallRemovesProgramAndUnitsButKeepsStateAndBootLines() throws Exception {
        guest.shOk("echo journal-record > /var/lib/guestcrypt/journal && echo header > /var/lib/guestcrypt/headers/x.luks"
                + " && mkdir -p /etc/guestcrypt && echo '{}' > /etc/guestcrypt/agent.json"
                + " && cp /etc/crypttab /root/crypttab.orig && cp /etc/fstab /root/fstab.orig"
                + " && echo 'gc-data UUID=11111111-2222-3333-4444-555555555555 none luks,noauto,nofail' >> /etc/crypttab"
                + " && echo '/dev/mapper/gc-data /data ext4 defaults,nofail,_netdev,x-systemd.requires=guestcrypt-unlock@gc-data.service 0 2' >> /etc/fstab"
                + " && sha256sum /etc/crypttab /etc/fstab /var/lib/guestcrypt/journal /var/lib/guestcrypt/headers/x.luks /etc/guestcrypt/agent.json > /root/kept.sha256");
        String out = guest.shOk("/mnt/payload/install/scripts/uninstall.sh 2>&1");
        assertThat(out).contains("gc-data UUID=11111111-2222-3333-4444-555555555555").contains("still encrypted");
        guest.shOk("sha256sum -c --quiet /root/kept.sha256");
        assertThat(guest.shOk("ls -d /opt/guestcrypt* /usr/local/bin/guestcrypt /etc/systemd/system/guestcrypt-agent.service"
                + " /etc/systemd/system/guestcrypt-unlock.service /etc/systemd/system/guestcrypt-unlock@.service /etc/tmpfiles.d/guestcrypt.conf "
                + "/usr/local/lib/systemd/system-generators/guestcrypt-generator 2>/dev/null; true")).isEmpty();
        assertThat(guest.sh("systemctl cat guestcrypt-agent.service").exitCode()).isNotZero();
        guest.shOk("cp /root/crypttab.orig /etc/crypttab && cp /root/fstab.orig /etc/fstab");
    }
}
