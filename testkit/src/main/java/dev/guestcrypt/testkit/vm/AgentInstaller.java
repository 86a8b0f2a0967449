package dev.guestcrypt.testkit.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Installs the agent as built by this checkout into a running guest the way an operator would:
 * {@code scripts/install.sh --from DIR}, where DIR holds guestcrypt.jar, lib/, systemd/ and
 * scripts/. The folder reaches the guest as a small read-only ext4 disk (made with mke2fs -d,
 * hot-plugged, mounted, unplugged again), which is much faster than copying through the agent
 * channel under emulation.
 */
public final class AgentInstaller {
    private static final String PAYLOAD_SERIAL = "gcpayload";
    private static final String MOUNT = "/run/guestcrypt-payload";

    private AgentInstaller() {}

    /** The agent build of this checkout: agent/&lt;build dir&gt;/guestcrypt.jar and lib/. */
    public static Path agentBuildDir() {
        Path dir = RepoPaths.root().resolve("agent").resolve(RepoPaths.buildDirName());
        if (!Files.isRegularFile(dir.resolve("guestcrypt.jar")) || !Files.isDirectory(dir.resolve("lib"))) {
            throw new VmException("no agent build in " + dir + " (guestcrypt.jar and lib/); build it first: "
                    + "mvn -B -Dgc.buildDirName=" + RepoPaths.buildDirName() + " -pl agent -am package -DskipTests");
        }
        return dir;
    }

    /** Installs and returns install.sh's output; extra arguments go to install.sh (e.g. --no-start). */
    public static String install(GuestVm vm, String... installArgs) {
        Path payload = buildPayload(agentBuildDir(), RepoPaths.root());
        try {
            vm.attachDisk(DataDisk.named(PAYLOAD_SERIAL, payload, true));
            String out = vm.shOk("mkdir -p " + MOUNT + " && mount -o ro -t ext4 /dev/disk/by-id/virtio-" + PAYLOAD_SERIAL + " " + MOUNT
                    + " && " + MOUNT + "/scripts/install.sh --from " + MOUNT + " " + String.join(" ", installArgs) + " 2>&1;"
                    + " rc=$?; umount " + MOUNT + "; exit $rc", Duration.ofMinutes(5));
            vm.detachDisk(PAYLOAD_SERIAL);
            return out;
        } finally {
            try {
                Files.deleteIfExists(payload);
            } catch (IOException ignored) {
                // temp file
            }
        }
    }

    static Path buildPayload(Path agentBuild, Path repo) {
        try {
            Path stage = Files.createTempDirectory("gc-payload-");
            Files.copy(agentBuild.resolve("guestcrypt.jar"), stage.resolve("guestcrypt.jar"));
            copyTree(agentBuild.resolve("lib"), stage.resolve("lib"));
            copyTree(repo.resolve("systemd"), stage.resolve("systemd"));
            copyTree(repo.resolve("scripts"), stage.resolve("scripts"));
            long bytes;
            try (Stream<Path> s = Files.walk(stage)) {
                bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            long kib = (bytes * 13 / 10) / 1024 + 16 * 1024;
            Path image = Files.createTempFile("gc-payload-", ".img");
            Files.delete(image);
            HostCommand.run(null, List.of("mke2fs", "-q", "-t", "ext4", "-O", "^has_journal", "-L", "gcpayload", "-d", stage.toString(),
                    image.toString(), kib + "k"), 120);
            deleteTree(stage);
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the agent payload disk", e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
