package dev.guestcrypt.testkit.vm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes the kernel and initramfs out of the guest disk's own /boot before each boot, so what
 * boots is what the guest installed (a rebuilt initramfs included). Reads the partition holding
 * /boot from the qcow2 overlay as raw bytes and dumps the files with debugfs; no mount, no root.
 */
final class BootFiles {
    record Kernel(Path vmlinuz, Path initrd, String version) {}

    private static final Pattern VMLINUZ = Pattern.compile("vmlinuz-(\\S+)");

    private BootFiles() {}

    static Kernel extract(Path overlay, VmImage image, Path workDir) {
        VmImage.Partition p = image.partition(image.bootPartition());
        Path raw = workDir.resolve("boot-partition.raw");
        try {
            Files.deleteIfExists(raw);
            String spec = "json:{\"driver\":\"raw\",\"offset\":" + p.startBytes() + ",\"size\":" + p.sizeBytes()
                    + ",\"file\":{\"driver\":\"qcow2\",\"file\":{\"driver\":\"file\",\"filename\":\"" + overlay + "\"}}}";
            HostCommand.run(workDir, List.of("qemu-img", "convert", "-U", "-O", "raw", spec, raw.toString()), 300);
            String dir = image.bootDir();
            String listing = HostCommand.run(workDir, List.of("debugfs", "-R", "ls -l " + dir, raw.toString()), 60);
            Matcher m = VMLINUZ.matcher(listing);
            String version = m.results().map(r -> r.group(1)).max(Comparator.naturalOrder())
                    .orElseThrow(() -> new VmException("no vmlinuz-* in " + dir + " of the boot partition:\n" + listing));
            String prefix = dir.endsWith("/") ? dir : dir + "/";
            Path vmlinuz = workDir.resolve("vmlinuz");
            Path initrd = workDir.resolve("initrd.img");
            Files.deleteIfExists(vmlinuz);
            Files.deleteIfExists(initrd);
            HostCommand.run(workDir, List.of("debugfs", "-R", "dump " + prefix + "vmlinuz-" + version + " " + vmlinuz, raw.toString()), 60);
            HostCommand.run(workDir, List.of("debugfs", "-R", "dump " + prefix + "initrd.img-" + version + " " + initrd, raw.toString()), 60);
            if (!Files.exists(vmlinuz) || Files.size(vmlinuz) == 0 || !Files.exists(initrd) || Files.size(initrd) == 0) {
                throw new VmException("could not extract kernel " + version + " and its initramfs from " + dir);
            }
            return new Kernel(vmlinuz, initrd, version);
        } catch (java.io.IOException e) {
            throw new VmException("cannot extract boot files", e);
        } finally {
            try {
                Files.deleteIfExists(raw);
            } catch (java.io.IOException ignored) {
                // temp file
            }
        }
    }
}
