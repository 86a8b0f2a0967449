package dev.guestcrypt.testkit.vm;

import java.util.Locale;

/**
 * Boot benchmark (scripts/bench/vm-boot.sh): boots the layout-a guest, reboots it cleanly and cuts
 * its power, printing the host-side time to ready for each boot next to the guest's own
 * systemd-analyze figure for the same boot, the reference that shows what the harness adds.
 */
public final class VmBootBench {
    private VmBootBench() {}

    public static void main(String[] args) {
        VmImage.Layout layout = VmImage.Layout.valueOf(args.length > 0 ? args[0].toUpperCase(Locale.ROOT) : "A");
        System.out.println("host load before: " + HostCommand.run(null, java.util.List.of("cat", "/proc/loadavg"), 10).strip());
        long t0 = System.nanoTime();
        try (GuestVm vm = GuestVm.start(VmConfig.builder("bench-boot").layout(layout).build())) {
            report("cold boot", t0, vm);
            long t1 = System.nanoTime();
            vm.reboot();
            report("clean reboot (shutdown + boot)", t1, vm);
            long t2 = System.nanoTime();
            vm.powerCut();
            vm.boot();
            report("power cut + boot", t2, vm);
            long t3 = System.nanoTime();
            vm.shOk("true");
            System.out.printf(Locale.ROOT, "one guest command round trip: %.2f s%n", (System.nanoTime() - t3) / 1e9);
            vm.shutdown();
        }
        System.out.println("host load after: " + HostCommand.run(null, java.util.List.of("cat", "/proc/loadavg"), 10).strip());
    }

    private static void report(String what, long startNanos, GuestVm vm) {
        double host = (System.nanoTime() - startNanos) / 1e9;
        String guest = vm.shOk("systemd-analyze time 2>/dev/null | head -1 || true").strip();
        System.out.printf(Locale.ROOT, "%-32s host: %6.1f s to ready | guest: %s%n", what, host, guest);
    }
}
