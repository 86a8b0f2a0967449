package dev.guestcrypt.agent.daemon;

import dev.guestcrypt.agent.execute.Executor;
import dev.guestcrypt.agent.execute.Outcome;
import dev.guestcrypt.agent.inventory.Inventory;
import dev.guestcrypt.agent.journal.Journal;
import dev.guestcrypt.agent.journal.JournalView;
import dev.guestcrypt.agent.plan.Plan;
import dev.guestcrypt.agent.plan.Planner;
import dev.guestcrypt.agent.plan.VolumeAction;
import dev.guestcrypt.agent.plan.VolumePlan;
import dev.guestcrypt.agent.settings.EncryptionSettings;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One reconcile pass: read the facts again (disks, journal), plan, and run the work one volume at
 * a time. A volume whose last attempt failed after the point of no return is retried with
 * growing pauses, so a lasting fault (vault down) does not spin.
 */
public final class Reconciler {
    private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());
    private static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    private static final Duration MAX_RETRY = Duration.ofMinutes(30);
    private final Supplier<Inventory> inventory;
    private final Journal journal;
    private final Planner planner;
    private final Executor executor;
    private final Clock clock;
    private final Map<String, Instant> retryAt;
    private final Map<String, Duration> retryDelay;

    /** Retry pauses of failed volumes, kept across passes by whoever runs them. */
    public record RetryState(Map<String, Instant> retryAt, Map<String, Duration> retryDelay) {
        public static RetryState fresh() {
            return new RetryState(new java.util.concurrent.ConcurrentHashMap<>(), new java.util.concurrent.ConcurrentHashMap<>());
        }
    }

    public Reconciler(Supplier<Inventory> inventory, Journal journal, Planner planner, Executor executor, Clock clock) {
        this(inventory, journal, planner, executor, clock, RetryState.fresh());
    }

    public Reconciler(Supplier<Inventory> inventory, Journal journal, Planner planner, Executor executor, Clock clock,
                      RetryState retries) {
        this.retryAt = retries.retryAt();
        this.retryDelay = retries.retryDelay();
        this.inventory = inventory;
        this.journal = journal;
        this.planner = planner;
        this.executor = executor;
        this.clock = clock;
    }

    /** What a pass found and did. */
    public record PassResult(Plan plan, List<Outcome> outcomes) {}

    /** @param settings the desired state, or null to only resume interrupted work */
    public PassResult pass(EncryptionSettings settings, BooleanSupplier stop) {
        Inventory inv = inventory.get();
        JournalView view = journal.read();
        Plan plan = planner.plan(settings, inv, view);
        List<Outcome> outcomes = new ArrayList<>();
        for (VolumePlan work : plan.work()) {
            if (stop.getAsBoolean()) {
                break;
            }
            Instant due = retryAt.get(work.volumeKey());
            if (due != null && clock.instant().isBefore(due)) {
                continue;
            }
            // Each volume starts from fresh facts: the previous one changed the machine.
            Inventory now = inventory.get();
            Outcome outcome;
            if (work.action() == VolumeAction.RESUME && !work.operation().isEmpty()) {
                outcome = executor.resume(journal.read().operation(work.operation()).orElseThrow(), now);
            } else if (work.action() == VolumeAction.RESUME) {
                outcome = executor.resumeFromHeader(work, now);
            } else {
                outcome = executor.start(work, now, settings);
            }
            outcomes.add(outcome);
            record(work, outcome);
        }
        return new PassResult(plan, outcomes);
    }

    private void record(VolumePlan work, Outcome outcome) {
        switch (outcome.result()) {
            case DONE -> {
                LOG.info(() -> work.mountPoint() + " is encrypted");
                retryAt.remove(work.volumeKey());
                retryDelay.remove(work.volumeKey());
            }
            case FAILED -> {
                Duration delay = retryDelay.getOrDefault(work.volumeKey(), FIRST_RETRY);
                retryAt.put(work.volumeKey(), clock.instant().plus(delay));
                retryDelay.put(work.volumeKey(), delay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay.multipliedBy(2));
                LOG.warning(() -> work.mountPoint() + ": " + outcome.error().describe() + " (retry in " + delay.toSeconds() + " s)");
            }
            case ABANDONED -> LOG.warning(() -> work.mountPoint() + " left unencrypted and as it was: " + outcome.error().describe());
            case STOPPED -> LOG.info(() -> work.mountPoint() + ": stopped; resumes on the next start");
        }
    }
}
