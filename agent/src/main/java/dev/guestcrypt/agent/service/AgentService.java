package dev.guestcrypt.agent.service;

import dev.guestcrypt.agent.daemon.Reconciler;
import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.Executor;
import dev.guestcrypt.agent.execute.Outcome;
import dev.guestcrypt.agent.execute.Ports;
import dev.guestcrypt.agent.execute.ProgressSink;
import dev.guestcrypt.agent.execute.Steps;
import dev.guestcrypt.agent.inventory.Inventory;
import dev.guestcrypt.agent.journal.Journal;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.journal.JournalView;
import dev.guestcrypt.agent.journal.OperationHistory;
import dev.guestcrypt.agent.os.DesiredStateFile;
import dev.guestcrypt.agent.os.OperationLock;
import dev.guestcrypt.agent.os.PowerCutTrigger;
import dev.guestcrypt.agent.os.StatusFile;
import dev.guestcrypt.agent.plan.Plan;
import dev.guestcrypt.agent.plan.Planner;
import dev.guestcrypt.agent.plan.VolumePlan;
import dev.guestcrypt.agent.settings.EncryptionSettings;
import dev.guestcrypt.agent.settings.SettingsParser;
import dev.guestcrypt.agent.settings.SettingsResult;
import dev.guestcrypt.agent.status.ProgressSnapshot;
import dev.guestcrypt.agent.status.Status;
import dev.guestcrypt.agent.status.StatusProjector;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.logging.Logger;

/**
 * The agent's commands over its ports: plan, encrypt, status and one reconcile pass for the
 * daemon. The CLI and the daemon both go through here, so they behave the same.
 */
public final class AgentService {
    private static final Logger LOG = Logger.getLogger(AgentService.class.getName());
    private final Paths paths;
    private final Supplier<Inventory> inventoryReader;
    private final Journal journal;
    private final Ports ports;
    private final DesiredStateFile desired;
    private final StatusFile statusFile;
    private final Clock clock;
    private final Planner planner = new Planner();
    private final StatusProjector projector = new StatusProjector();
    /**
     * How often a running encryption rewrites the status file (two fsyncs on the OS disk each time):
     * often enough for 'status --watch', rare enough not to slow the encryption it reports on.
     */
    private static final Duration STATUS_WRITE_INTERVAL = Duration.ofSeconds(5);
    /** How often 'encrypt --wait' looks at the daemon's journal and status file: no more often than it changes. */
    private static final Duration FOLLOW_INTERVAL = STATUS_WRITE_INTERVAL;
    private final Map<String, ProgressSnapshot> progress = new ConcurrentHashMap<>();
    private final Map<String, String> unlockErrors = new ConcurrentHashMap<>();
    private final UnlockService unlocker;
    private final dev.guestcrypt.agent.execute.BootUnits bootUnits;
    private final Reconciler.RetryState retries = Reconciler.RetryState.fresh();
    private volatile Inventory lastInventory = Inventory.empty();
    private volatile Instant lastStatusWrite = Instant.EPOCH;

    public AgentService(Paths paths, Supplier<Inventory> inventoryReader, Ports ports, UnlockService unlocker,
                        dev.guestcrypt.agent.execute.BootUnits bootUnits, Clock clock) {
        this.unlocker = unlocker;
        this.bootUnits = bootUnits;
        this.paths = paths;
        this.inventoryReader = inventoryReader;
        this.journal = new Journal(paths.journal(), PowerCutTrigger.system(paths.run()));
        this.ports = ports;
        this.desired = new DesiredStateFile(paths.desired());
        this.statusFile = new StatusFile(paths.status());
        this.clock = clock;
    }

    /** Loads the LUKS2 library ahead of the first operation; see {@link dev.guestcrypt.agent.execute.VolumeCrypto#load()}. */
    public void loadCrypto() {
        ports.crypto().load();
    }

    public Paths paths() {
        return paths;
    }

    public Inventory inventory() {
        Inventory inv = inventoryReader.get();
        lastInventory = inv;
        return inv;
    }

    /** The plan for {@code publicSettings} (or the desired state when null); changes nothing. */
    public Plan plan(Map<String, Object> publicSettings) {
        Map<String, Object> input = publicSettings != null ? publicSettings : desired.read().orElse(defaultRequest());
        try (EncryptionSettings settings = SettingsParser.parse(input, Map.of(), false).orThrow()) {
            return planner.plan(settings, inventory(), journal.read());
        }
    }

    private static Map<String, Object> defaultRequest() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(SettingsParser.ENCRYPTION_OPERATION, "EnableEncryption");
        m.put(SettingsParser.VOLUME_TYPE, "Data");
        return m;
    }

    /** The result of {@link #encrypt}. */
    public record EncryptResult(Plan plan, List<Outcome> outcomes, boolean handedToDaemon) {}

    /**
     * Validates the request, records it as the desired state, and either runs it here (no daemon
     * running) or lets the daemon run it and, with {@code wait}, follows it to the end.
     */
    public EncryptResult encrypt(Map<String, Object> request, boolean wait, Listener listener, BooleanSupplier stop) {
        Inventory inv = inventory();
        Map<String, Object> publicSettings = Planner.pinFormatTargets(request, inv);
        SettingsResult checked = SettingsParser.parse(publicSettings, Map.of());
        checked.orThrow().close();
        Plan plan = planner.plan(checked.settings(), inv, journal.read());
        plan.volumes().forEach(v -> listener.say(PlanText.line(v)));
        if (plan.work().isEmpty()) {
            if (!plan.refusals().isEmpty()) {
                var r = plan.refusals().get(0).refusal();
                throw new AgentException(r.code(), r.problem(), r.fix());
            }
            listener.say("nothing to encrypt");
            return new EncryptResult(plan, List.of(), false);
        }
        long sequence = desired.write(publicSettings);
        Map<String, Object> withSequence = new LinkedHashMap<>(publicSettings);
        withSequence.put(SettingsParser.SEQUENCE_VERSION, String.valueOf(sequence));
        Instant asked = clock.instant();
        Optional<OperationLock> lock = OperationLock.tryAcquire(paths.lock());
        if (lock.isEmpty()) {
            listener.say("the guestcrypt daemon is running: it encrypts " + plan.work().size() + " volume(s)");
            if (!wait) {
                return new EncryptResult(plan, List.of(), true);
            }
            return new EncryptResult(plan, follow(plan, asked, listener, stop), true);
        }
        try (OperationLock held = lock.get();
             EncryptionSettings settings = SettingsParser.parse(withSequence, Map.of()).orThrow()) {
            Reconciler.PassResult pass = reconciler(listener, stop).pass(settings, stop);
            writeStatus(inventory());
            return new EncryptResult(pass.plan(), pass.outcomes(), false);
        }
    }

    /** Waits for the daemon to finish the planned work, reading the journal; returns one outcome per volume. */
    private List<Outcome> follow(Plan plan, Instant asked, Listener listener, BooleanSupplier stop) {
        Map<String, Outcome> ended = new LinkedHashMap<>();
        while (ended.size() < plan.work().size() && !stop.getAsBoolean()) {
            JournalView view = journal.read();
            for (VolumePlan v : plan.work()) {
                Optional<OperationHistory> op = view.latestFor(v.volumeKey());
                if (ended.containsKey(v.volumeKey()) || op.isEmpty() || op.get().last().time().isBefore(asked.minusSeconds(1))) {
                    continue;
                }
                String last = op.get().lastStep();
                String error = op.get().value(Planner.DATA_ERROR).orElse("").replaceAll(" Fix: .*$", "");
                if (last.equals(JournalSteps.DONE)) {
                    ended.put(v.volumeKey(), new Outcome(op.get().operation(), v.volumeKey(), Outcome.Result.DONE, null));
                    listener.say(v.mountPoint() + ": encrypted");
                } else if (last.equals(JournalSteps.ABANDONED) || last.equals(JournalSteps.FAILED)) {
                    AgentException e = new AgentException(ServiceError.ENCRYPTION_INCOMPLETE, v.mountPoint() + ": " + error,
                            last.equals(JournalSteps.FAILED) ? "the daemon retries; see 'guestcrypt status'" : "fix the cause and run the command again");
                    ended.put(v.volumeKey(), new Outcome(op.get().operation(), v.volumeKey(),
                            last.equals(JournalSteps.FAILED) ? Outcome.Result.FAILED : Outcome.Result.ABANDONED, e));
                }
            }
            // The status file may still hold a finished volume's last progress line: only running ones are shown.
            Set<String> endedMounts = plan.work().stream().filter(v -> ended.containsKey(v.volumeKey())).map(VolumePlan::mountPoint)
                    .collect(Collectors.toSet());
            statusFile.read().ifPresent(s -> s.volumes().stream().filter(vs -> vs.percent() >= 0 && vs.percent() < 100)
                    .filter(vs -> !endedMounts.contains(vs.mountPoint()))
                    .forEach(vs -> listener.progress(ProgressSnapshot.fromStatus("", vs, clock.instant()))));
            sleep(FOLLOW_INTERVAL);
        }
        return new ArrayList<>(ended.values());
    }

    /** One daemon pass over the desired state (or only resumes, without one). */
    public Reconciler.PassResult reconcile(Listener listener, BooleanSupplier stop) {
        EncryptionSettings settings = null;
        try {
            Optional<Map<String, Object>> wanted = desired.read();
            if (wanted.isPresent()) {
                SettingsResult r = SettingsParser.parse(wanted.get(), Map.of());
                if (r.isValid()) {
                    settings = r.settings();
                } else {
                    r.problems().forEach(p -> LOG.warning(() -> paths.desired() + ": " + p.code().id() + " " + p.problem()));
                }
            }
        } catch (AgentException e) {
            LOG.warning(e::describe);
        }
        try {
            openLockedVolumes(listener);
            Reconciler.PassResult result = reconciler(listener, stop).pass(settings, stop);
            writeStatus(inventory());
            return result;
        } finally {
            if (settings != null) {
                settings.close();
            }
        }
    }

    /**
     * Opens every guestcrypt volume in crypttab (boot's {@code unlock --all}); returns the ones that
     * stay locked. Their reasons go into the status file at once unless the daemon holds it, so
     * {@code guestcrypt status} says why a volume is locked before the daemon's first pass, which
     * may itself wait minutes for the vault.
     */
    public List<String> unlockAll(boolean wait, Listener listener) {
        Map<String, AgentException> failed = unlocker.unlockAll(wait, listener);
        failed.forEach((name, e) -> unlockErrors.put(name, e.describe()));
        if (!failed.isEmpty()) {
            Optional<OperationLock> lock = OperationLock.tryAcquire(paths.lock());
            if (lock.isPresent()) {
                try (OperationLock held = lock.get()) {
                    writeStatus(inventory());
                }
            }
        }
        return List.copyOf(failed.keySet());
    }

    /**
     * Opens guestcrypt volumes whose boot unlock failed (vault unreachable at boot), then mounts
     * them; the failure stays in the status until it works.
     */
    private void openLockedVolumes(Listener listener) {
        Inventory inv = inventory();
        for (var entry : inv.crypttab()) {
            if (!entry.name().startsWith(dev.guestcrypt.agent.plan.MapperNames.PREFIX) || ports.crypto().isActive(entry.name())) {
                unlockErrors.remove(entry.name());
                continue;
            }
            try {
                unlocker.unlock(entry.name(), false, listener);
                unlockErrors.remove(entry.name());
                List<String> mountPoints = inv.fstab().stream().filter(f -> f.spec().equals("/dev/mapper/" + entry.name()))
                        .map(f -> f.file()).toList();
                bootUnits.startAfterUnlock(entry.name(), mountPoints);
                listener.say(entry.name() + " opened by the daemon and mounted at " + String.join(", ", mountPoints));
            } catch (AgentException e) {
                unlockErrors.put(entry.name(), e.describe());
                LOG.warning(() -> entry.name() + " is still locked: " + e.describe());
            }
        }
    }

    private Reconciler reconciler(Listener listener, BooleanSupplier stop) {
        ProgressSink sink = (key, mountPoint, done, total, speed) -> {
            ProgressSnapshot snap = new ProgressSnapshot(key, mountPoint, done, total, speed, clock.instant());
            progress.put(key, snap);
            listener.progress(snap);
            if (Duration.between(lastStatusWrite, clock.instant()).compareTo(STATUS_WRITE_INTERVAL) >= 0) {
                writeStatus(lastInventory);
            }
        };
        Executor executor = new Executor(journal, ports, clock, sink, stop,
                Steps.encryptInPlace(device -> lastInventory.byPath(device).map(d -> d.sizeBytes())
                        .orElseGet(() -> inventory().byPath(device).orElseThrow().sizeBytes())));
        return new Reconciler(this::inventory, journal, planner, executor, clock, retries);
    }

    /** The status from fresh facts, with the last progress this process saw (or the status file's). */
    public Status status() {
        Map<String, ProgressSnapshot> known = new HashMap<>(progress);
        if (known.isEmpty()) {
            statusFile.read().filter(s -> Duration.between(s.time(), clock.instant()).toSeconds() < 30).ifPresent(s ->
                    s.volumes().stream().filter(v -> v.percent() >= 0 && v.percent() < 100).forEach(v -> known.put(v.mountPoint(),
                            ProgressSnapshot.fromStatus(v.mountPoint(), v, s.time()))));
        }
        Map<String, String> errors = new HashMap<>(unlockErrors);
        statusFile.read().ifPresent(s -> s.volumes().stream().filter(v -> !v.error().isEmpty() && !v.mapperName().isEmpty())
                .forEach(v -> errors.putIfAbsent(v.mapperName(), v.error())));
        return projector.project(inventory(), journal.read(), known, errors, clock.instant());
    }

    private void writeStatus(Inventory inv) {
        lastStatusWrite = clock.instant();
        statusFile.write(projector.project(inv, journal.read(), progress, unlockErrors, clock.instant()));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
