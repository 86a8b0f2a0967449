package dev.guestcrypt.agent.daemon;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.Outcome;
import dev.guestcrypt.agent.os.OperationLock;
import dev.guestcrypt.agent.os.SdNotify;
import dev.guestcrypt.agent.service.AgentService;
import dev.guestcrypt.agent.service.Listener;
import dev.guestcrypt.agent.status.ProgressSnapshot;

import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * {@code guestcrypt daemon}: holds the operation lock, tells systemd it is ready, and runs
 * reconcile passes (after start, when the desired state changes, and every minute). SIGTERM sets
 * the stop flag: the running encryption stops at its next chunk boundary, resumable.
 *
 * <p>Under systemd, a pass whose operations all ended well ends the process with {@link #EXIT_RESTART}
 * and systemd starts it again (the unit's {@code RestartForceExitStatus}): the classes, compiled
 * code and native buffers an encryption needed (the Azure SDK alone is tens of MiB) would otherwise
 * stay resident for the life of the VM, and a JVM gives none of that back by itself.
 */
public final class Daemon {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
    private static final Duration IDLE_PASS = Duration.ofSeconds(60);
    /** EX_TEMPFAIL: "start me again", listed in the unit's SuccessExitStatus and RestartForceExitStatus. */
    public static final int EXIT_RESTART = 75;
    private final AgentService service;
    private final SdNotify notify;
    private final Duration watchdog;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    public Daemon(AgentService service, SdNotify notify, Duration watchdog) {
        this.service = service;
        this.notify = notify;
        this.watchdog = watchdog;
    }

    public void requestStop() {
        stop.set(true);
    }

    /** Runs until {@link #requestStop()}; returns the exit code. */
    public int run() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            requestStop();
            try {
                stopped.await(170, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "guestcrypt-stop"));
        try (OperationLock lock = OperationLock.acquire(service.paths().lock())) {
            startWatchdog();
            notify.ready();
            notify.status("idle");
            LOG.info("guestcrypt daemon started");
            try {
                service.loadCrypto();
            } catch (AgentException e) {
                LOG.severe(e::describe); // every volume operation reports it again; unlocking at boot is not this process
            }
            FileTime seen = null;
            long nextPass = 0;
            while (!stop.get()) {
                FileTime now = modified();
                if (now != null && !now.equals(seen) || System.nanoTime() >= nextPass) {
                    seen = now;
                    if (pass() && notify.enabled()) {
                        LOG.info("operation finished: the daemon restarts to give back the memory it used");
                        return EXIT_RESTART;
                    }
                    nextPass = System.nanoTime() + IDLE_PASS.toNanos();
                }
                sleep(Duration.ofSeconds(2));
            }
            notify.stopping();
            LOG.info("guestcrypt daemon stopped");
            return 0;
        } finally {
            stopped.countDown();
        }
    }

    /** @return true when the pass ran every planned operation and each ended done */
    private boolean pass() {
        try {
            var result = service.reconcile(new Listener() {
                private long lastNotify;

                @Override
                public void say(String line) {
                    LOG.info(line);
                }

                @Override
                public void progress(ProgressSnapshot s) {
                    // Each STATUS= line starts systemd-notify: every 30 s is enough for 'systemctl status'.
                    if (System.nanoTime() - lastNotify > 30_000_000_000L) {
                        lastNotify = System.nanoTime();
                        notify.status(String.format("encrypting %s: %.1f%%, %.1f MiB/s", s.mountPoint(), s.percent(),
                                s.bytesPerSec() / (1 << 20)));
                    }
                }
            }, stop::get);
            notify.status("idle");
            if (!result.outcomes().isEmpty()) {
                // An operation ended: collect now, so the heap shrinks back to its idle size
                // (MaxHeapFreeRatio) instead of staying at the size the operation needed.
                System.gc();
            }
            // Every planned volume ran in this pass and ended done: nothing waits for a retry
            // pause, which a new process would not know.
            return !result.outcomes().isEmpty() && !stop.get() && result.outcomes().size() == result.plan().work().size()
                    && result.outcomes().stream().allMatch(o -> o.result() == Outcome.Result.DONE);
        } catch (AgentException e) {
            LOG.warning(e::describe);
            notify.status(e.describe());
        } catch (RuntimeException e) {
            LOG.severe("reconcile pass failed: " + e);
            notify.status("pass failed: " + e.getMessage());
        }
        return false;
    }

    private void startWatchdog() {
        if (watchdog.isZero()) {
            return;
        }
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                notify.watchdog();
                sleep(watchdog.dividedBy(2));
            }
        }, "guestcrypt-watchdog");
        t.setDaemon(true);
        t.start();
    }

    private FileTime modified() {
        try {
            return Files.exists(service.paths().desired()) ? Files.getLastModifiedTime(service.paths().desired()) : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
