package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.execute.BootSwitch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class TabFileBootConfigTest {
    @TempDir
    Path etc;

    private static final String FSTAB = """
            # /etc/fstab: static file system information.
            UUID=aaaa / ext4 errors=remount-ro 0 1
            UUID=bbbb /data ext4 defaults,noatime 0 2
            weird line that is not understood
            /swapfile none swap sw 0 0
            """;

    @Test
    void switchesOneLineKeepsEverythingElseAndBacksUp() throws Exception {
        Path fstab = etc.resolve("fstab");
        Path crypttab = etc.resolve("crypttab");
        Files.writeString(fstab, FSTAB);
        Files.setPosixFilePermissions(fstab, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(crypttab, "# <target name> <source device> <key file> <options>\nold UUID=cccc none luks\n");
        TabFileBootConfig boot = new TabFileBootConfig(fstab, crypttab);
        BootSwitch change = new BootSwitch("gc-data", "1234-luks", "/data", "ext4", "defaults,noatime", "2");
        boot.switchToEncrypted(change);
        assertThat(Files.readString(fstab)).isEqualTo("""
                # /etc/fstab: static file system information.
                UUID=aaaa / ext4 errors=remount-ro 0 1
                # guestcrypt: original line: UUID=bbbb /data ext4 defaults,noatime 0 2
                /dev/mapper/gc-data\t/data\text4\tdefaults,noatime,nofail,_netdev,x-systemd.requires=guestcrypt-unlock@gc-data.service,x-systemd.device-timeout=4min\t0\t2
                weird line that is not understood
                /swapfile none swap sw 0 0
                """);
        assertThat(Files.readString(crypttab)).endsWith("old UUID=cccc none luks\ngc-data UUID=1234-luks none luks,noauto,nofail\n");
        assertThat(Files.readString(etc.resolve("fstab.guestcrypt.bak"))).isEqualTo(FSTAB);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fstab))).isEqualTo("rw-r--r--");
        // Idempotent: a second switch changes nothing.
        String once = Files.readString(fstab);
        boot.switchToEncrypted(change);
        assertThat(Files.readString(fstab)).isEqualTo(once);
        assertThat(Files.readString(etc.resolve("fstab.guestcrypt.bak"))).isEqualTo(FSTAB);
        // Revert restores the original line exactly and removes the crypttab line.
        boot.revert(change, "UUID=bbbb");
        assertThat(Files.readString(fstab)).isEqualTo(FSTAB);
        assertThat(Files.readString(crypttab)).doesNotContain("gc-data");
        assertThat(etc.toFile().list()).noneMatch(n -> n.endsWith(".tmp"));
    }

    @Test
    void detachedHeaderLineNamesTheDeviceAndTheHeader() {
        BootSwitch change = new BootSwitch("gc-x", "u", "/x", "xfs", "defaults", "0", "/dev/disk/by-id/virtio-x",
                "/var/lib/guestcrypt/headers/u.luks");
        assertThat(TabFileBootConfig.crypttabLine(change))
                .isEqualTo("gc-x /dev/disk/by-id/virtio-x none luks,noauto,nofail,header=/var/lib/guestcrypt/headers/u.luks");
        assertThat(TabFileBootConfig.switchedOptions("defaults,nofail", "gc-x"))
                .isEqualTo("defaults,nofail,_netdev,x-systemd.requires=guestcrypt-unlock@gc-x.service,x-systemd.device-timeout=4min");
    }
}
