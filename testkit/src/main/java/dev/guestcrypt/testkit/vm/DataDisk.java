package dev.guestcrypt.testkit.vm;

import java.nio.file.Path;

/**
 * A disk image given to the guest as a virtio disk whose serial is its name ("lun0", ...); the
 * guest's udev rules then name it /dev/disk/azure/scsi1/lun0 (and /dev/disk/by-id/virtio-lun0).
 * Cache "writeback" honours the guest's flushes, so power-cut tests see what a real disk keeps.
 */
public record DataDisk(String serial, Path file, String format, boolean readOnly) {

    public static DataDisk lun(int lun, Path rawFile) {
        return new DataDisk("lun" + lun, rawFile, "raw", false);
    }

    public static DataDisk named(String serial, Path rawFile, boolean readOnly) {
        return new DataDisk(serial, rawFile, "raw", readOnly);
    }

    /** The stable path of this disk inside the guest. */
    public String guestPath() {
        return serial.startsWith("lun") ? "/dev/disk/azure/scsi1/" + serial : "/dev/disk/by-id/virtio-" + serial;
    }
}
