package dev.guestcrypt.testkit.vm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A cached, read-only guest disk built by {@code scripts/vm/build-image.sh} and the facts about
 * it from its {@code image.json}: where each partition is, which one holds the kernels, and the
 * kernel command line (root=UUID=...).
 */
public record VmImage(String layout, Path disk, long diskBytes, List<Partition> partitions,
                      int bootPartition, String bootDir, String cmdline) {

    /** Layouts: A = /boot + ext4 root, B = /boot + xfs root, C = one ext4 root with /boot inside. */
    public enum Layout { A, B, C }

    public record Partition(int number, long startBytes, long sizeBytes, String fs, String mount, String uuid) {}

    private record Json(String layout, String disk, long diskBytes, List<Partition> partitions,
                        int bootPartition, String bootDir, String cmdline) {}

    /** The image for a layout, built first if this machine has none cached (needs root then). */
    public static VmImage ensure(Layout layout) {
        Path script = RepoPaths.root().resolve("scripts/vm/build-image.sh");
        String out = HostCommand.run(null, List.of(script.toString(), layout.name().toLowerCase()), 3600);
        String[] lines = out.strip().split("\n");
        return load(Path.of(lines[lines.length - 1].strip()));
    }

    public static VmImage load(Path imageDir) {
        try {
            Json j = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .readValue(Files.readAllBytes(imageDir.resolve("image.json")), Json.class);
            return new VmImage(j.layout, imageDir.resolve(j.disk), j.diskBytes, List.copyOf(j.partitions),
                    j.bootPartition, j.bootDir, j.cmdline);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + imageDir.resolve("image.json"), e);
        }
    }

    public Partition partition(int number) {
        return partitions.stream().filter(p -> p.number() == number).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("image has no partition " + number));
    }

    public Partition rootPartition() {
        return partitions.stream().filter(p -> p.mount().equals("/")).findFirst().orElseThrow();
    }
}
