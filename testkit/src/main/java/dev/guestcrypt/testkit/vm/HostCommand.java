package dev.guestcrypt.testkit.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a tool on the host (qemu-img, debugfs, mke2fs, the image script) and fails clearly. */
final class HostCommand {
    private HostCommand() {}

    static String run(Path workDir, List<String> argv, long timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new VmException("host command timed out after " + timeoutSeconds + " s: " + String.join(" ", argv));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new VmException("host command failed (exit " + p.exitValue() + "): " + String.join(" ", argv) + "\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new VmException("cannot run " + argv.get(0) + " on the host (is it installed? scripts/setup-host.sh installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmException("interrupted while running " + argv.get(0), e);
        }
    }
}
