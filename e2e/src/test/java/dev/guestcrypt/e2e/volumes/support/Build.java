package dev.guestcrypt.e2e.volumes.support;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** Where this build's artifacts are, and the install folder the guest gets (as scripts/install.sh --from expects). */
public final class Build {
    private Build() {}

    /** The build folder name of this run (target, target-platform, ...), taken from where the test classes are. */
    public static String dirName() {
        try {
            Path testClasses = Path.of(Build.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return testClasses.getParent().getFileName().toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path repoRoot() {
        String root = System.getProperty("guestcrypt.repoRoot");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isRegularFile(p.resolve("scripts/install.sh"))) {
            throw new IllegalStateException("not a guestcrypt checkout: " + p);
        }
        return p;
    }

    /** A scratch folder for one test class under e2e/<build>/. */
    public static Path workDir(String name) throws IOException {
        return Files.createDirectories(repoRoot().resolve("e2e").resolve(dirName()).resolve("vm-volumes").resolve(name));
    }

    /** Removes a scratch folder made by {@link #workDir}. */
    public static void clean(Path work) throws IOException, InterruptedException {
        Host.run(List.of("rm", "-rf", work.toString()));
    }

    /** {@code into}/install: guestcrypt.jar, lib/, systemd/, scripts/ from this checkout and build. */
    public static Path installFolder(Path into) throws IOException, InterruptedException {
        Path root = repoRoot();
        Path agent = root.resolve("agent").resolve(dirName());
        if (!Files.isRegularFile(agent.resolve("guestcrypt.jar"))) {
            throw new IllegalStateException("no " + agent.resolve("guestcrypt.jar") + "; package the agent first");
        }
        Path install = into.resolve("install");
        Host.run(List.of("rm", "-rf", install.toString()));
        Files.createDirectories(install.resolve("lib"));
        Files.copy(agent.resolve("guestcrypt.jar"), install.resolve("guestcrypt.jar"));
        try (Stream<Path> libs = Files.list(agent.resolve("lib"))) {
            for (Path l : libs.toList()) {
                Files.copy(l, install.resolve("lib").resolve(l.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Host.run(List.of("cp", "-a", root.resolve("systemd").toString(), install.resolve("systemd").toString()));
        Host.run(List.of("cp", "-a", root.resolve("scripts").toString(), install.resolve("scripts").toString()));
        return install;
    }
}
