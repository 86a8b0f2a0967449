package dev.guestcrypt.testkit.vm;

import java.util.Locale;
import java.util.function.Supplier;

/** Prints how long each phase of a VM's life took, e.g. "[vm smoke] boot: 38.2 s". */
final class PhaseTimer {
    private final String vmName;

    PhaseTimer(String vmName) {
        this.vmName = vmName;
    }

    <T> T time(String phase, Supplier<T> action) {
        long start = System.nanoTime();
        try {
            return action.get();
        } finally {
            report(phase, System.nanoTime() - start);
        }
    }

    void time(String phase, Runnable action) {
        time(phase, () -> {
            action.run();
            return null;
        });
    }

    void report(String phase, long nanos) {
        System.out.printf(Locale.ROOT, "[vm %s] %s: %.1f s%n", vmName, phase, nanos / 1e9);
    }
}
