package dev.guestcrypt.e2e.volumes.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Debian guest under qemu (TCG) for the data-volume tests: an overlay on the cached image,
 * data disks with stable serials (/dev/disk/by-id/virtio-SERIAL), an optional read-only payload
 * disk mounted at /mnt/payload, IMDS and Key Vault forwarded from host loopback ports, and the
 * qemu guest agent as command channel. Boot after boot uses the same disks; the base image is
 * pinned so a cache rebuild cannot pull it away.
 */
public final class QemuGuest implements AutoCloseable {
    /** Where the guest reaches the Key Vault emulator; vault host names are mapped to it. */
    public static final String VAULT_ADDRESS = "169.254.10.20";

    private final Path[] kernel;
    private final Path dir;
    private final String cmdline;
    private final Path overlay;
    private final Path console;
    private final Path agentSocket;
    private final List<String[]> disks = new ArrayList<>();
    private Path payloadImage;
    private int imdsPort;
    private int vaultPort;
    private Process qemu;
    private int boots;

    public QemuGuest(GuestImage image, Path dir) throws IOException, InterruptedException {
        this.cmdline = image.cmdline();
        this.dir = Files.createDirectories(dir);
        this.overlay = dir.resolve("os.qcow2");
        this.console = dir.resolve("console.log");
        this.agentSocket = dir.resolve("qga.sock");
        // Pin the base image (a hard link, or a sparse copy across file systems): the cache may be
        // rebuilt while the guest lives, and every boot needs the overlay's backing file.
        Path base = dir.resolve("base.raw");
        Files.deleteIfExists(base);
        try {
            Files.createLink(base, image.disk());
        } catch (IOException | UnsupportedOperationException e) {
            Host.run(List.of("cp", "--sparse=always", image.disk().toString(), base.toString()));
        }
        // Data-volume tests never change /boot, so the kernel read once serves every boot.
        this.kernel = image.extractKernel(dir);
        Files.deleteIfExists(overlay);
        Host.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", base.toString(), overlay.toString()));
    }

    /** A raw data disk, seen in the guest as /dev/disk/by-id/virtio-{serial}. */
    public QemuGuest disk(Path raw, String serial) {
        disks.add(new String[] {raw.toString(), serial});
        return this;
    }

    /** The contents of {@code folder}, read-only at /mnt/payload in the guest. */
    public QemuGuest payload(Path folder) throws IOException, InterruptedException {
        payloadImage = dir.resolve("payload.img");
        Files.deleteIfExists(payloadImage);
        long bytes = 64L << 20;
        try (var walk = Files.walk(folder)) {
            bytes += walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length() + 8192).sum() * 2;
        }
        Host.run(List.of("truncate", "-s", Long.toString(bytes), payloadImage.toString()));
        Host.run(List.of("mke2fs", "-q", "-t", "ext4", "-d", folder.toString(), payloadImage.toString()));
        return this;
    }

    /** Forwards the guest's 169.254.169.254:80 to host port {@code imds} and VAULT_ADDRESS:443 to {@code vault}. */
    public QemuGuest forward(int imds, int vault) {
        this.imdsPort = imds;
        this.vaultPort = vault;
        return this;
    }

    public Path consoleLog() {
        return console;
    }

    /** Boots and waits for the guest agent (and the payload mount). */
    public void boot() throws IOException, InterruptedException {
        if (qemu != null && qemu.isAlive()) {
            throw new IllegalStateException("guest already running");
        }
        Files.deleteIfExists(agentSocket);
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-smp", "2", "-m", "2048",
                "-display", "none", "-no-reboot", "-serial", "file:" + console + "." + (++boots),
                "-kernel", kernel[0].toString(), "-initrd", kernel[1].toString(), "-append", cmdline,
                "-drive", "file=" + overlay + ",format=qcow2,if=virtio",
                "-chardev", "socket,path=" + agentSocket + ",server=on,wait=off,id=qga0",
                "-device", "virtio-serial", "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0"));
        for (String[] d : disks) {
            cmd.addAll(List.of("-drive", "file=" + d[0] + ",format=raw,if=none,id=" + d[1], "-device", "virtio-blk-pci,drive=" + d[1] + ",serial=" + d[1]));
        }
        if (payloadImage != null) {
            cmd.addAll(List.of("-drive", "file=" + payloadImage + ",format=raw,if=none,readonly=on,id=payload",
                    "-device", "virtio-blk-pci,drive=payload,serial=payload"));
        }
        StringBuilder net = new StringBuilder("user,id=n0,restrict=on,net=169.254.0.0/16,host=169.254.10.2");
        if (imdsPort > 0) {
            net.append(",guestfwd=tcp:169.254.169.254:80-cmd:socat - TCP:127.0.0.1:").append(imdsPort);
            net.append(",guestfwd=tcp:").append(VAULT_ADDRESS).append(":443-cmd:socat - TCP:127.0.0.1:").append(vaultPort);
        }
        cmd.addAll(List.of("-netdev", net.toString(), "-device", "virtio-net-pci,netdev=n0"));
        long start = System.nanoTime();
        qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.out").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
        while (System.nanoTime() < deadline) {
            if (!qemu.isAlive()) {
                throw new IOException("qemu exited with " + qemu.exitValue() + ": " + Files.readString(dir.resolve("qemu.out")) + consoleTail());
            }
            if (Files.exists(agentSocket)) {
                GuestAgentChannel c = GuestAgentChannel.tryConnect(agentSocket, Duration.ofSeconds(3));
                if (c != null) {
                    c.close();
                    System.out.printf("[guest] boot %d ready in %.1f s%n", boots, (System.nanoTime() - start) / 1e9);
                    if (payloadImage != null) {
                        shOk("mkdir -p /mnt/payload && (mountpoint -q /mnt/payload || mount -o ro /dev/disk/by-id/virtio-payload /mnt/payload)");
                    }
                    return;
                }
            }
            Thread.sleep(1000);
        }
        throw new IOException("guest did not answer within 6 minutes" + consoleTail());
    }

    public ExecResult sh(String script) throws IOException, InterruptedException {
        return sh(script, null, Duration.ofMinutes(15));
    }

    public ExecResult sh(String script, byte[] stdin, Duration timeout) throws IOException, InterruptedException {
        try (GuestAgentChannel c = GuestAgentChannel.tryConnect(agentSocket, Duration.ofSeconds(30))) {
            if (c == null) {
                throw new IOException("guest agent does not answer" + consoleTail());
            }
            return c.exec(script, stdin, timeout);
        }
    }

    /** Runs a guest command that must succeed; the failure carries its output, the journal and the console. */
    public String shOk(String script) throws IOException, InterruptedException {
        ExecResult r = sh(script);
        if (!r.ok()) {
            String journal = "";
            try {
                journal = sh("journalctl -b --no-pager -n 400 | grep -v ' qemu-ga\\[' | tail -n 80").stdout();
            } catch (IOException ignored) {
                // the guest may be gone; the console tail still helps
            }
            throw new AssertionError("guest command failed (exit " + r.exitCode() + "): " + script + "\n--- stdout\n" + r.stdout()
                    + "\n--- stderr\n" + r.stderr() + "\n--- journal\n" + journal + consoleTail());
        }
        return r.stdout();
    }

    /** Clean poweroff from inside the guest. */
    public void shutdown() throws IOException, InterruptedException {
        try {
            sh("(sleep 1; systemctl poweroff) >/dev/null 2>&1 &");
        } catch (IOException ignored) {
            // already going down
        }
        if (!qemu.waitFor(4, java.util.concurrent.TimeUnit.MINUTES)) {
            qemu.destroyForcibly().waitFor();
            throw new IOException("guest did not power off within 4 minutes" + consoleTail());
        }
    }

    public void reboot() throws IOException, InterruptedException {
        shutdown();
        boot();
    }

    /** Waits until the guest resets or powers off by itself (qemu runs with -no-reboot, so it exits). */
    public void awaitOff(Duration timeout) throws IOException, InterruptedException {
        if (!qemu.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IOException("guest still running after " + timeout.toSeconds() + " s" + consoleTail());
        }
    }

    /** Hard power cut: qemu killed; writes the guest had not flushed are lost. */
    public void powerCut() throws InterruptedException {
        qemu.destroyForcibly().waitFor();
    }

    /** The overlay holding every write the guest made to its OS disk. */
    public Path osOverlay() {
        return overlay;
    }

    public String consoleTail() {
        try {
            String all = Files.readString(Path.of(console + "." + boots), StandardCharsets.ISO_8859_1);
            return "\n--- console (" + console + "." + boots + ", last 3000 chars)\n" + all.substring(Math.max(0, all.length() - 3000));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (qemu != null && qemu.isAlive()) {
            qemu.destroyForcibly().waitFor();
        }
    }
}
