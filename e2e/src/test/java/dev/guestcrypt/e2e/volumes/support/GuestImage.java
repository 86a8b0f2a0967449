package dev.guestcrypt.e2e.volumes.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A cached Debian guest image (disk.raw + image.json, as scripts/vm/build-image.sh caches it) and
 * the kernel and initrd read from its own /boot, without mounting anything.
 */
public record GuestImage(Path disk, String cmdline, long bootOffset, String bootDir) {

    /** The newest layout-a image in $GUESTCRYPT_VM_CACHE (default /var/cache/guestcrypt-vm). */
    public static GuestImage findCached() throws IOException {
        String explicit = System.getenv("GUESTCRYPT_VM_IMAGE");
        if (explicit != null && !explicit.isBlank()) {
            return load(Path.of(explicit));
        }
        Path cache = Path.of(System.getenv().getOrDefault("GUESTCRYPT_VM_CACHE", "/var/cache/guestcrypt-vm"));
        if (Files.isDirectory(cache)) {
            try (Stream<Path> dirs = Files.list(cache)) {
                List<Path> images = dirs.filter(d -> d.getFileName().toString().startsWith("image-a-"))
                        .map(d -> d.resolve("image.json")).filter(Files::isRegularFile)
                        .sorted(Comparator.comparing((Path p) -> p.toFile().lastModified()).reversed())
                        .toList();
                if (!images.isEmpty()) {
                    return load(images.get(0));
                }
            }
        }
        throw new IllegalStateException("no guest image (layout a) in " + cache
                + "; build one with scripts/vm/build-image.sh a, or set GUESTCRYPT_VM_IMAGE to its image.json");
    }

    static GuestImage load(Path imageJson) throws IOException {
        JsonNode json = new ObjectMapper().readTree(imageJson.toFile());
        int bootPartition = json.get("bootPartition").asInt();
        long offset = -1;
        for (JsonNode p : json.get("partitions")) {
            if (p.get("number").asInt() == bootPartition) {
                offset = p.get("startBytes").asLong();
            }
        }
        if (offset < 0) {
            throw new IllegalStateException(imageJson + " names boot partition " + bootPartition + " but lists no such partition");
        }
        return new GuestImage(imageJson.resolveSibling(json.get("disk").asText()), json.get("cmdline").asText(), offset,
                json.get("bootDir").asText());
    }

    /** Copies vmlinuz and initrd out of the image's /boot into {@code dir}; returns {kernel, initrd}. */
    public Path[] extractKernel(Path dir) throws IOException, InterruptedException {
        String fs = disk + "?offset=" + bootOffset;
        String listing = Host.run(List.of("debugfs", "-R", "ls -p " + bootDir, fs)).stdout();
        String kernel = newest(listing, "vmlinuz-");
        String initrd = newest(listing, "initrd.img-");
        Path k = dir.resolve("vmlinuz");
        Path i = dir.resolve("initrd");
        Files.deleteIfExists(k);
        Files.deleteIfExists(i);
        String folder = bootDir.endsWith("/") ? bootDir : bootDir + "/";
        Host.run(List.of("debugfs", "-R", "dump " + folder + kernel + " " + k.toAbsolutePath(), fs));
        Host.run(List.of("debugfs", "-R", "dump " + folder + initrd + " " + i.toAbsolutePath(), fs));
        if (!Files.isRegularFile(k) || !Files.isRegularFile(i)) {
            throw new IllegalStateException("could not read " + kernel + " and " + initrd + " from " + disk);
        }
        return new Path[] {k, i};
    }

    private static String newest(String listing, String prefix) {
        Matcher m = Pattern.compile("/(" + Pattern.quote(prefix) + "[^/]+)/").matcher(listing);
        String best = null;
        while (m.find()) {
            if (best == null || m.group(1).compareTo(best) > 0) {
                best = m.group(1);
            }
        }
        if (best == null) {
            throw new IllegalStateException("no " + prefix + "* in the image's boot folder");
        }
        return best;
    }
}
