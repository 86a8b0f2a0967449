package dev.guestcrypt.testkit.vm;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository checkout and this build's output folders are. */
public final class RepoPaths {
    private RepoPaths() {}

    /** The checkout root: system property guestcrypt.repoRoot, else the nearest parent with scripts/vm. */
    public static Path root() {
        String prop = System.getProperty("guestcrypt.repoRoot");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/vm/build-image.sh"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root; set -Dguestcrypt.repoRoot=PATH");
    }

    /** The Maven output folder name of this build (-Dgc.buildDirName, default "target"). */
    public static String buildDirName() {
        return System.getProperty("guestcrypt.buildDirName", "target");
    }

    /** Where VM logs (console, qemu output) go: e2e/<build dir>/vm-logs unless overridden. */
    public static Path logRoot() {
        String prop = System.getProperty("guestcrypt.vmLogDir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        return root().resolve("e2e").resolve(buildDirName()).resolve("vm-logs");
    }
}
