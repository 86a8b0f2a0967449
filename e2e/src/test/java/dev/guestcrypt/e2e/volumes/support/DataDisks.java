package dev.guestcrypt.e2e.volumes.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Data disk images and their checksummed content, made in the guest so every tool is the guest's. */
public final class DataDisks {
    private DataDisks() {}

    public static Path blank(Path dir, String name, long mib) throws IOException, InterruptedException {
        Path img = dir.resolve(name + ".img");
        Files.deleteIfExists(img);
        Host.run(List.of("truncate", "-s", mib + "M", img.toString()));
        return img;
    }

    /** mkfs + mount + fstab line + {@code files} files of 1 MiB random data, and their manifest in /root/manifest-NAME. */
    public static String prepare(String fs, String serial, String mountPoint, int files) {
        String dev = "/dev/disk/by-id/virtio-" + serial;
        String mkfs = switch (fs) {
            case "ext4" -> "mkfs.ext4 -q -F " + dev + " && DEV=" + dev;
            case "xfs" -> "mkfs.xfs -q -f " + dev + " && DEV=" + dev;
            case "lvm" -> "pvcreate -q " + dev + " && vgcreate -q vg" + serial + " " + dev + " && lvcreate -q -y -l 100%FREE -n data vg" + serial
                    + " && mkfs.ext4 -q -F /dev/vg" + serial + "/data && DEV=/dev/vg" + serial + "/data";
            default -> throw new IllegalArgumentException(fs);
        };
        return fill(mkfs, fs.equals("xfs") ? "xfs" : "ext4", serial, mountPoint, files);
    }

    /** As {@link #prepare} on an existing block device (an md array, say), its manifest named after {@code name}. */
    public static String prepareOn(String device, String fs, String name, String mountPoint, int files) {
        String mkfs = (fs.equals("xfs") ? "mkfs.xfs -q -f " : "mkfs.ext4 -q -F ") + device + " && DEV=" + device;
        return fill(mkfs, fs, name, mountPoint, files);
    }

    private static String fill(String mkfs, String type, String serial, String mountPoint, int files) {
        return "set -e; " + mkfs + "; mkdir -p " + mountPoint + "; UUID=$(blkid -s UUID -o value $DEV)"
                + "; echo \"UUID=$UUID " + mountPoint + " " + type + " defaults 0 2\" >> /etc/fstab; mount " + mountPoint
                + "; for i in $(seq 1 " + files + "); do head -c 1048576 /dev/urandom > " + mountPoint + "/file-$i; done"
                + "; (cd " + mountPoint + " && sha256sum file-*) > /root/manifest-" + serial + "; sync";
    }

    /** Verifies the manifest written by {@link #prepare}; fails listing the files that differ. */
    public static String verify(String serial, String mountPoint) {
        return "cd " + mountPoint + " && sha256sum --quiet -c /root/manifest-" + serial;
    }
}
