package dev.guestcrypt.testkit.vm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Debian guest under qemu (software emulation) on a private copy-on-write overlay of a cached
 * image. Every boot takes the kernel and initramfs from the guest's own /boot; qemu runs with
 * -no-reboot, so each reboot or reset is a fresh qemu process on the same disks. Commands go
 * through qemu-guest-agent; the serial console is appended to {@link #consoleLog()}.
 */
public final class GuestVm implements AutoCloseable {
    /** Printed on the console by the image's guestcrypt-vm-ready.service at the end of each boot. */
    public static final String READY_MARKER = "GUESTCRYPT-VM-READY";
    private static final Duration DEFAULT_EXEC_TIMEOUT = Duration.ofMinutes(10);

    private final VmConfig config;
    private final VmImage image;
    private final Path runDir;
    private final Path logDir;
    private final Path overlay;
    private final ConsoleLog console;
    private final PhaseTimer timer;
    private final List<DataDisk> disks;
    private Process qemu;
    private QmpChannel qmp;
    private GuestAgentChannel agent;
    private long bootOffset;
    private String bootId;
    private int boots;

    private GuestVm(VmConfig config, VmImage image) throws IOException {
        this.config = config;
        this.image = image;
        this.timer = new PhaseTimer(config.name());
        // Unix socket paths are limited to 108 bytes: sockets and the overlay live in a short temp folder.
        this.runDir = Files.createTempDirectory("gcvm-");
        this.logDir = RepoPaths.logRoot().resolve(config.name());
        Files.createDirectories(logDir);
        this.console = new ConsoleLog(logDir.resolve("console.log"));
        Files.deleteIfExists(console.file());
        this.overlay = runDir.resolve("os.qcow2");
        this.disks = new ArrayList<>(config.dataDisks());
        HostCommand.run(runDir, List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw",
                "-b", image.disk().toString(), overlay.toString()), 60);
    }

    /** Builds (or finds) the image, creates the overlay and boots to the ready marker. */
    public static GuestVm start(VmConfig config) {
        PhaseTimer t = new PhaseTimer(config.name());
        VmImage image = t.time("image (layout " + config.layout() + ")", () -> VmImage.ensure(config.layout()));
        GuestVm vm;
        try {
            vm = new GuestVm(config, image);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the VM's run folder", e);
        }
        try {
            vm.boot();
        } catch (RuntimeException e) {
            vm.close();
            throw e;
        }
        return vm;
    }

    public VmConfig config() {
        return config;
    }

    public VmImage image() {
        return image;
    }

    public Path consoleLog() {
        return console.file();
    }

    /** The guest kernel's boot id of the current boot (changes with every boot). */
    public String bootId() {
        return bootId;
    }

    public boolean running() {
        return qemu != null && qemu.isAlive();
    }

    // ---- power ----

    /** Powers the VM on (after a shutdown or power cut) and waits until the guest is ready. */
    public void boot() {
        if (running()) {
            throw new IllegalStateException("VM " + config.name() + " is already running");
        }
        boots++;
        long start = System.nanoTime();
        BootFiles.Kernel kernel = timer.time("extract kernel+initrd", () -> BootFiles.extract(overlay, image, runDir));
        bootOffset = console.size();
        try {
            qemu = timer.time("start qemu", () -> startQemu(kernel));
            String line = console.await(READY_MARKER, bootOffset, config.bootTimeout(), qemu::isAlive);
            if (line == null) {
                throw failure(qemu.isAlive() ? "guest did not print " + READY_MARKER + " within "
                        + config.bootTimeout().toSeconds() + " s" : "qemu exited during boot (exit " + qemu.exitValue() + ")", false);
            }
            bootId = field(line, "boot_id");
            agent = new GuestAgentChannel(runDir.resolve("qga.sock"));
            if (!agent.sync(Duration.ofSeconds(60))) {
                throw failure("qemu-guest-agent did not answer after the ready marker", false);
            }
            timer.report("boot #" + boots + " to ready (kernel " + kernel.version() + ", guest uptime "
                    + field(line, "uptime") + " s)", System.nanoTime() - start);
            mapVaultHosts();
        } catch (IOException e) {
            throw failure("cannot talk to the VM: " + e.getMessage(), false);
        }
    }

    /** Clean power-off from inside the guest; waits until qemu has exited. */
    public void shutdown() {
        timer.time("clean shutdown", () -> {
            requestShutdown("powerdown");
            awaitQemuExit(Duration.ofMinutes(3), "clean shutdown");
        });
    }

    /** Clean reboot: the guest shuts down, then boots again from its (possibly changed) /boot. */
    public void reboot() {
        timer.time("clean shutdown for reboot", () -> {
            requestShutdown("reboot");
            awaitQemuExit(Duration.ofMinutes(3), "clean reboot");
        });
        boot();
    }

    /** Hard power cut: qemu is killed; the guest's caches are lost. Call {@link #boot()} to power on. */
    public void powerCut() {
        timer.time("power cut", () -> {
            closeChannels();
            qemu.destroyForcibly();
            awaitQemuExit(Duration.ofSeconds(30), "power cut");
        });
    }

    /** Abrupt reset (QMP system_reset, no shutdown in the guest), then boots again. */
    public void reset() {
        timer.time("abrupt reset", () -> {
            try {
                // With -no-reboot qemu exits at once, often before answering. The monitor socket stays open
                // until qemu is gone: closing it right after writing can drop the command unread.
                qmp.executeNoWait("system_reset");
            } catch (IOException e) {
                throw failure("system_reset failed: " + e.getMessage(), false);
            }
            awaitQemuExit(Duration.ofSeconds(60), "reset");
        });
        boot();
    }

    // ---- disks ----

    /** Hot-plugs a disk into the running guest and waits until its stable path exists there. */
    public void attachDisk(DataDisk disk) {
        timer.time("attach " + disk.serial(), () -> {
            try {
                String node = "d-" + disk.serial();
                ObjectNode add = JsonLineChannel.JSON.createObjectNode().put("driver", disk.format()).put("node-name", node)
                        .put("read-only", disk.readOnly());
                add.putObject("file").put("driver", "file").put("filename", disk.file().toString()).put("read-only", disk.readOnly());
                qmp.execute("blockdev-add", add);
                qmp.execute("device_add", JsonLineChannel.JSON.createObjectNode().put("driver", "virtio-blk-pci")
                        .put("drive", node).put("serial", disk.serial()).put("id", "dev-" + disk.serial()));
            } catch (IOException e) {
                throw failure("cannot attach " + disk.file() + ": " + e.getMessage(), true);
            }
            disks.add(disk);
            awaitCondition("disk " + disk.guestPath() + " appears", "udevadm settle; test -b " + disk.guestPath(), Duration.ofSeconds(60));
        });
    }

    /** Unplugs a disk from the running guest (it stays out of later boots). */
    public void detachDisk(String serial) {
        timer.time("detach " + serial, () -> {
            DataDisk disk = disks.stream().filter(d -> d.serial().equals(serial)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no disk " + serial));
            try {
                qmp.execute("device_del", JsonLineChannel.JSON.createObjectNode().put("id", "dev-" + serial));
                awaitCondition("disk " + disk.guestPath() + " disappears", "udevadm settle; ! test -e " + disk.guestPath(), Duration.ofSeconds(60));
                for (int i = 0; ; i++) { // the device finishes going away on the host side shortly after
                    try {
                        qmp.execute("blockdev-del", JsonLineChannel.JSON.createObjectNode().put("node-name", "d-" + serial));
                        break;
                    } catch (IOException busy) {
                        if (i > 50) {
                            throw busy;
                        }
                        Thread.sleep(200);
                    }
                }
            } catch (IOException e) {
                throw failure("cannot detach " + serial + ": " + e.getMessage(), true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            disks.remove(disk);
        });
    }

    // ---- commands and files ----

    public ExecResult exec(List<String> argv) {
        return exec(argv, null, DEFAULT_EXEC_TIMEOUT);
    }

    public ExecResult exec(List<String> argv, byte[] stdin, Duration timeout) {
        requireAgent();
        try {
            return agent.exec(argv, stdin, timeout);
        } catch (IOException e) {
            throw failure("guest command " + argv + " could not run: " + e.getMessage(), false);
        }
    }

    /** Runs a shell script as root in the guest. */
    public ExecResult sh(String script) {
        return exec(List.of("/bin/sh", "-c", script), null, DEFAULT_EXEC_TIMEOUT);
    }

    /** Runs a shell script with bytes on its stdin (the way to hand secrets to a guest program). */
    public ExecResult sh(String script, byte[] stdin, Duration timeout) {
        return exec(List.of("/bin/sh", "-c", script), stdin, timeout);
    }

    /** Runs a script that must succeed; returns its stdout or throws with console and journal tails. */
    public String shOk(String script) {
        return shOk(script, DEFAULT_EXEC_TIMEOUT);
    }

    public String shOk(String script, Duration timeout) {
        ExecResult r = exec(List.of("/bin/sh", "-c", script), null, timeout);
        if (!r.ok()) {
            throw failure("guest command failed: " + script + "\n" + r, true);
        }
        return r.stdout();
    }

    /** Writes a file atomically in the guest (temp + fsync + rename), with the given octal mode. */
    public void writeFile(String path, byte[] content, String mode) {
        String tmp = path + ".gcvm-tmp";
        String q = quote(path);
        String qt = quote(tmp);
        sh("rm -f " + qt, null, Duration.ofSeconds(30));
        int chunk = 4 << 20;
        for (int off = 0; off == 0 || off < content.length; off += chunk) {
            byte[] part = java.util.Arrays.copyOfRange(content, off, Math.min(content.length, off + chunk));
            ExecResult r = sh("umask 077; cat >> " + qt, part, Duration.ofMinutes(2));
            if (!r.ok()) {
                throw failure("cannot write " + path + " in the guest\n" + r, true);
            }
        }
        shOk("chmod " + mode + " " + qt + " && sync " + qt + " && mv -f " + qt + " " + q + " && sync $(dirname " + q + ")");
    }

    public void writeFile(String path, String content) {
        writeFile(path, content.getBytes(StandardCharsets.UTF_8), "0644");
    }

    public byte[] readFile(String path) {
        ExecResult r = exec(List.of("/bin/cat", path), null, Duration.ofMinutes(2));
        if (!r.ok()) {
            throw failure("cannot read " + path + " in the guest\n" + r, true);
        }
        return r.stdoutBytes();
    }

    public String readText(String path) {
        return new String(readFile(path), StandardCharsets.UTF_8);
    }

    // ---- waiting ----

    /** Waits for a marker on the console during the current boot; returns its line. */
    public String awaitConsole(String marker, Duration timeout) {
        String line = console.await(marker, bootOffset, timeout, this::running);
        if (line == null) {
            throw failure("console marker '" + marker + "' did not appear within " + timeout.toSeconds() + " s", running());
        }
        return line;
    }

    /** Polls a guest shell condition until it exits 0. */
    public void awaitCondition(String description, String shellCondition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ExecResult last = null;
        while (System.nanoTime() < deadline) {
            last = exec(List.of("/bin/sh", "-c", shellCondition), null, timeout);
            if (last.ok()) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw failure("condition not met within " + timeout.toSeconds() + " s: " + description
                + (last == null ? "" : "\nlast attempt: " + last), true);
    }

    // ---- diagnostics ----

    public String consoleTail(int lines) {
        return console.tail(lines);
    }

    /** The current boot's journal tail, or a note why it cannot be read. */
    public String journalTail(int lines) {
        if (agent == null || !running()) {
            return "(guest not running)";
        }
        try {
            return agent.exec(List.of("/bin/journalctl", "-b", "--no-pager", "-o", "short-monotonic", "-n", Integer.toString(lines)),
                    null, Duration.ofSeconds(30)).stdout();
        } catch (IOException | RuntimeException e) {
            return "(journal not readable: " + e.getMessage() + ")";
        }
    }

    VmException failure(String problem, boolean withJournal) {
        return new VmException("VM " + config.name() + ": " + problem
                + "\n--- console, last 60 lines (full log: " + console.file() + ") ---\n" + console.tail(60)
                + (withJournal ? "\n--- journal, last 60 lines ---\n" + journalTail(60) : ""));
    }

    // ---- internals ----

    private Process startQemu(BootFiles.Kernel kernel) {
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-name", config.name(),
                "-machine", "pc", "-accel", "tcg", "-cpu", "max", "-smp", Integer.toString(config.cpus()),
                "-m", Integer.toString(config.memoryMiB()), "-nodefaults", "-display", "none", "-no-reboot",
                "-kernel", kernel.vmlinuz().toString(), "-initrd", kernel.initrd().toString(), "-append", image.cmdline(),
                "-chardev", "file,id=con0,append=on,path=" + console.file(), "-serial", "chardev:con0",
                "-qmp", "unix:" + runDir.resolve("qmp.sock") + ",server=on,wait=off",
                "-chardev", "socket,id=qga0,server=on,wait=off,path=" + runDir.resolve("qga.sock"),
                "-device", "virtio-serial-pci", "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0",
                "-device", "virtio-rng-pci",
                "-drive", "file=" + overlay + ",format=qcow2,if=none,id=os,cache=writeback,discard=unmap",
                "-device", "virtio-blk-pci,drive=os,serial=root"));
        for (DataDisk d : disks) {
            cmd.addAll(List.of("-drive", "file=" + d.file() + ",format=" + d.format() + ",if=none,id=d-" + d.serial()
                    + ",cache=writeback" + (d.readOnly() ? ",readonly=on" : ""),
                    "-device", "virtio-blk-pci,drive=d-" + d.serial() + ",serial=" + d.serial() + ",id=dev-" + d.serial()));
        }
        StringBuilder net = new StringBuilder("user,id=n0,restrict=on,net=169.254.0.0/16,host=169.254.10.2,dhcpstart=169.254.10.100");
        if (config.imdsPort() > 0) {
            net.append(",guestfwd=tcp:").append(VmConfig.IMDS_ADDRESS).append(":80-cmd:socat - TCP:127.0.0.1:").append(config.imdsPort());
        }
        if (config.vaultPort() > 0) {
            net.append(",guestfwd=tcp:").append(VmConfig.VAULT_ADDRESS).append(":443-cmd:socat - TCP:127.0.0.1:").append(config.vaultPort());
        }
        cmd.addAll(List.of("-netdev", net.toString(), "-device", "virtio-net-pci,netdev=n0"));
        try {
            Files.writeString(logDir.resolve("qemu-command.txt"), String.join(" ", cmd) + "\n");
            // A killed qemu leaves its sockets behind; a new one must not meet them.
            Files.deleteIfExists(runDir.resolve("qmp.sock"));
            Files.deleteIfExists(runDir.resolve("qga.sock"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("qemu.log").toFile())).start();
            Path qmpSock = runDir.resolve("qmp.sock");
            for (int i = 0; i < 100 && !Files.exists(qmpSock) && p.isAlive(); i++) {
                Thread.sleep(50);
            }
            if (!p.isAlive()) {
                throw new VmException("qemu exited at start (exit " + p.exitValue() + "): "
                        + Files.readString(logDir.resolve("qemu.log")));
            }
            qmp = new QmpChannel(qmpSock);
            return p;
        } catch (IOException e) {
            throw new VmException("cannot start qemu-system-x86_64 (scripts/setup-host.sh installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmException("interrupted while starting qemu", e);
        }
    }

    private void mapVaultHosts() {
        if (config.vaultPort() <= 0) {
            return;
        }
        StringBuilder s = new StringBuilder();
        for (String host : config.vaultHosts()) {
            s.append("grep -q ' ").append(host).append("$' /etc/hosts || echo '").append(VmConfig.VAULT_ADDRESS)
                    .append(' ').append(host).append("' >> /etc/hosts; ");
        }
        shOk(s.toString());
    }

    private void requestShutdown(String mode) {
        requireAgent();
        try {
            agent.shutdown(mode);
        } catch (IOException e) {
            throw failure("cannot ask the guest to " + mode + ": " + e.getMessage(), false);
        }
    }

    private void awaitQemuExit(Duration timeout, String what) {
        try {
            if (!qemu.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw failure(what + ": qemu still running after " + timeout.toSeconds() + " s", true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeChannels();
    }

    private void requireAgent() {
        if (agent == null || !running()) {
            throw new IllegalStateException("VM " + config.name() + " is not running");
        }
    }

    private void closeChannels() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
        if (qmp != null) {
            qmp.close();
            qmp = null;
        }
    }

    /** The value of "name=value" in a marker line ("" when absent). */
    static String field(String line, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + name + "=(\\S+)").matcher(line);
        return m.find() ? m.group(1) : "";
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Powers off hard if still running and deletes the overlay; the console log stays. */
    @Override
    public void close() {
        closeChannels();
        if (qemu != null && qemu.isAlive()) {
            qemu.destroyForcibly();
            try {
                qemu.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(runDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp folder
        }
    }
}
