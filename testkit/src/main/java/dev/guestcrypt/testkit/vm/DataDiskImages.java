package dev.guestcrypt.testkit.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Data disk images for tests, made on the host by {@code scripts/vm/make-data-disk.sh}: empty,
 * ext4 or xfs with random content whose checksums are kept in a manifest, so a test can prove
 * after encryption, crashes and reboots that every byte is still there. An LVM volume is made in
 * the guest ({@link #makeLvmInGuest}), where device-mapper runs.
 */
public final class DataDiskImages {
    public enum Kind { EMPTY, EXT4, XFS }

    /** An image on the host and the checksum manifest of its files ("sha256  ./path" lines). */
    public record Image(Path file, Path manifest, String fsUuid) {
        public DataDisk asLun(int lun) {
            return DataDisk.lun(lun, file);
        }
    }

    private DataDiskImages() {}

    public static Image create(Kind kind, Path file, int sizeMiB, boolean partitioned, int files, int fileKiB) {
        List<String> cmd = new ArrayList<>(List.of(RepoPaths.root().resolve("scripts/vm/make-data-disk.sh").toString(),
                kind.name().toLowerCase(), file.toString(), Integer.toString(sizeMiB),
                "--files", Integer.toString(files), "--file-kib", Integer.toString(fileKiB)));
        if (partitioned) {
            cmd.add("--partitioned");
        }
        String out = HostCommand.run(null, cmd, 600);
        String uuid = out.lines().filter(l -> l.startsWith("uuid=")).map(l -> l.substring(5)).findFirst().orElse("");
        return new Image(file, Path.of(file + ".manifest"), uuid);
    }

    /**
     * Checks every file of the manifest under the guest folder by sha256 ("sha256sum -c");
     * throws with the mismatches when any file is missing or differs.
     */
    public static void verifyInGuest(GuestVm vm, Path manifest, String guestDir) {
        try {
            String remote = "/run/gcvm-manifest-" + manifest.getFileName();
            vm.writeFile(remote, Files.readAllBytes(manifest), "0644");
            vm.shOk("cd " + GuestVm.quote(guestDir) + " && sha256sum --quiet -c " + remote, Duration.ofMinutes(10));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
    }

    /**
     * Makes an LVM volume group VG with one logical volume LV filling the disk, an ext4 file system
     * on it, and N files of K KiB of random data; returns the manifest (kept on the host in hostManifest).
     */
    public static Path makeLvmInGuest(GuestVm vm, String device, String vg, String lv, int files, int fileKiB, Path hostManifest) {
        String mnt = "/run/gcvm-lvm-" + lv;
        vm.shOk("set -e; pvcreate -q " + device + "; vgcreate -q " + vg + " " + device + "; lvcreate -q -y -l 100%FREE -n " + lv + " " + vg
                + "; mkfs.ext4 -q /dev/" + vg + "/" + lv + "; mkdir -p " + mnt + "; mount /dev/" + vg + "/" + lv + " " + mnt
                + "; for i in $(seq 0 " + (files - 1) + "); do mkdir -p " + mnt + "/dir$((i % 4)); head -c " + (fileKiB * 1024L)
                + " /dev/urandom > " + mnt + "/dir$((i % 4))/file$i.bin; done; sync", Duration.ofMinutes(10));
        String manifest = vm.shOk("cd " + mnt + " && find . -type f | LC_ALL=C sort | xargs -r sha256sum && cd / && umount " + mnt);
        try {
            Files.writeString(hostManifest, manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + hostManifest, e);
        }
        return hostManifest;
    }
}
