package dev.guestcrypt.agent.execute;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.inventory.BlockDevice;
import dev.guestcrypt.agent.inventory.FstabEntry;
import dev.guestcrypt.agent.inventory.Inventory;
import dev.guestcrypt.agent.journal.Journal;
import dev.guestcrypt.agent.journal.JournalRecord;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.journal.OperationHistory;
import dev.guestcrypt.agent.plan.Planner;
import dev.guestcrypt.agent.plan.VolumeAction;
import dev.guestcrypt.agent.plan.VolumePlan;
import dev.guestcrypt.agent.settings.EncryptionSettings;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Runs the online in-place encryption of one data volume as journaled steps. Every step is
 * recorded after it succeeds; a later pass (after a crash, a reboot or a stop) skips recorded
 * steps and runs the rest, and every step also checks the real state first, so a crash between a
 * step and its record is harmless. A failure before the LUKS header is written puts everything
 * back (file system mounted as before, boot configuration restored); after that point the
 * operation can only go forward, and the next pass retries.
 */
public final class Executor {
    private static final Logger LOG = Logger.getLogger(Executor.class.getName());
    private final Journal journal;
    private final Ports ports;
    private final Clock clock;
    private final ProgressSink progress;
    private final BooleanSupplier stopRequested;
    private final List<Step> inPlaceSteps;
    private final List<Step> detachedSteps;
    private final List<Step> formatSteps = Steps.formatEncrypted();

    public Executor(Journal journal, Ports ports, Clock clock, ProgressSink progress, BooleanSupplier stopRequested,
                    List<Step> inPlaceSteps) {
        this(journal, ports, clock, progress, stopRequested, inPlaceSteps, Steps.encryptDetached());
    }

    public Executor(Journal journal, Ports ports, Clock clock, ProgressSink progress, BooleanSupplier stopRequested,
                    List<Step> inPlaceSteps, List<Step> detachedSteps) {
        this.journal = journal;
        this.ports = ports;
        this.clock = clock;
        this.progress = progress;
        this.stopRequested = stopRequested;
        this.inPlaceSteps = List.copyOf(inPlaceSteps);
        this.detachedSteps = List.copyOf(detachedSteps);
    }

    /** Starts a new operation for a planned in-place encryption or format. */
    public Outcome start(VolumePlan plan, Inventory inventory, EncryptionSettings settings) {
        String sequence = settings.sequenceVersion();
        boolean detached = plan.action() == VolumeAction.ENCRYPT_DETACHED_HEADER;
        boolean format = plan.action() == VolumeAction.FORMAT_ENCRYPTED;
        if (plan.action() != VolumeAction.ENCRYPT_IN_PLACE && !detached && !format) {
            throw new IllegalArgumentException("cannot start " + plan.action() + " on " + plan.mountPoint());
        }
        BlockDevice device = inventory.device(plan.device()).orElseThrow(() -> gone(plan.devicePath()));
        FstabEntry fstab = inventory.fstabFor(device).orElseThrow(() -> new AgentException(ExecuteError.BOOT_CONFIG_FAILED,
                "no /etc/fstab line mounts " + plan.mountPoint(), "add one and plan again"));
        String operation = UUID.randomUUID().toString();
        Map<String, String> data = new HashMap<>();
        data.put(OperationContext.DEVICE, device.path());
        data.put(OperationContext.MOUNT_POINT, plan.mountPoint());
        data.put(OperationContext.FS_TYPE, plan.fsType());
        data.put(OperationContext.MAPPER_NAME, plan.mapperName());
        String luksUuid = UUID.randomUUID().toString();
        data.put(OperationContext.LUKS_UUID, luksUuid);
        data.put(OperationContext.KIND, format ? OperationContext.KIND_FORMAT
                : detached ? OperationContext.KIND_DETACHED : OperationContext.KIND_IN_PLACE);
        if (format) {
            data.put(OperationContext.LABEL, device.label());
        }
        if (detached) {
            // The device will carry no header and so no UUID: name it by a path that survives reboots.
            data.put(OperationContext.DEVICE, ports.devicePaths().stable(device.path()));
            data.put(OperationContext.HEADER, ports.headerDirectory() + "/" + luksUuid + ".luks");
        }
        data.put(OperationContext.FSTAB_SPEC, fstab.spec());
        data.put(OperationContext.FSTAB_OPTIONS, fstab.options());
        data.put(OperationContext.FSTAB_PASSNO, fstab.passno());
        data.put(OperationContext.SEQUENCE, sequence == null ? "" : sequence);
        append(operation, plan.volumeKey(), JournalSteps.STARTED, data);
        return run(new OperationHistory(operation, plan.volumeKey(),
                List.of(new JournalRecord(clock.instant(), operation, plan.volumeKey(), JournalSteps.STARTED, data))),
                data.get(OperationContext.DEVICE),
                ports.keys().store(settings));
    }

    /** Continues an interrupted operation from its journal. */
    public Outcome resume(OperationHistory history, Inventory inventory) {
        Optional<String> detachedDevice = history.value(OperationContext.HEADER).flatMap(h -> history.value(OperationContext.DEVICE));
        Optional<BlockDevice> device = detachedDevice.isPresent() ? detachedDevice.map(p -> new BlockDevice(p, p, "", 0, "", "", "", "",
                List.of(), List.of(), "", false)) : Planner.locate(history, inventory);
        if (device.isEmpty()) {
            AgentException e = gone(history.value(OperationContext.DEVICE).orElse(history.volume()));
            return new Outcome(history.operation(), history.volume(), Outcome.Result.FAILED, e);
        }
        if (!history.has(JournalSteps.KEY_PROTECTED)) {
            // Interrupted before its key was stored: nothing changed; the planner starts it afresh.
            append(history.operation(), history.volume(), JournalSteps.ABANDONED,
                    Map.of(Planner.DATA_ERROR, "interrupted before the key was stored; started again"));
            return new Outcome(history.operation(), history.volume(), Outcome.Result.ABANDONED, new AgentException(
                    ExecuteError.INTERRUPTED_BEFORE_KEY, "the operation was interrupted before its key was stored; nothing changed",
                    "none: it starts again"));
        }
        return run(history, device.get().path(), null);
    }

    /**
     * Finishes an encryption that the LUKS2 header records but the journal does not (journal lost,
     * or started by an older agent): the passphrase comes back through the header's token.
     */
    public Outcome resumeFromHeader(VolumePlan plan, Inventory inventory) {
        String key = plan.volumeKey();
        try {
            String tokenJson = inventory.luksOf(plan.device()).flatMap(l -> l.guestcryptToken()).orElseThrow(() -> new AgentException(
                    ExecuteError.NO_KEY_TOKEN, plan.devicePath() + " has no guestcrypt key token", "open it by hand with its passphrase"));
            if (plan.mapperName().isEmpty() || !ports.crypto().isActive(plan.mapperName())) {
                throw new AgentException(ExecuteError.UNLOCK_FAILED, plan.devicePath() + " is not open, so its encryption cannot continue online",
                        "open it (guestcrypt unlock --name <name>) and the agent continues");
            }
            try (dev.guestcrypt.nativebind.secret.SecretBytes passphrase = ports.keys().unlocking().unprotect(
                    dev.guestcrypt.agent.keys.KeyTokenCodec.fromJson(tokenJson))) {
                String header = inventory.luksOf(plan.device()).map(l -> l.headerPath()).orElse(null);
                boolean done = ports.crypto().runOnline(plan.devicePath(), header, plan.mapperName(), passphrase, (d, t, speed) -> {
                    progress.update(key, plan.mountPoint(), d, t, speed);
                    return !stopRequested.getAsBoolean();
                });
                return new Outcome("", key, done ? Outcome.Result.DONE : Outcome.Result.STOPPED, null);
            }
        } catch (RuntimeException e) {
            return new Outcome("", key, Outcome.Result.FAILED, asAgentException(e, null));
        }
    }

    private Outcome run(OperationHistory history, String devicePath, dev.guestcrypt.agent.keys.KeyProtector store) {
        String op = history.operation();
        try (OperationContext ctx = new OperationContext(op, history.volume(), devicePath, history.data(), ports, progress,
                stopRequested)) {
            ctx.setStore(store);
            String kind = history.data().getOrDefault(OperationContext.KIND, OperationContext.KIND_IN_PLACE);
            List<Step> steps = switch (kind) {
                case OperationContext.KIND_DETACHED -> detachedSteps;
                case OperationContext.KIND_FORMAT -> formatSteps;
                default -> inPlaceSteps;
            };
            for (Step step : steps) {
                boolean recorded = history.has(step.name());
                if (recorded && !step.reassertOnResume(history)) {
                    continue;
                }
                if (stopRequested.getAsBoolean()) {
                    return new Outcome(op, history.volume(), Outcome.Result.STOPPED, null);
                }
                try {
                    LOG.info(() -> "operation " + op + " on " + ctx.getOr(OperationContext.MOUNT_POINT, devicePath) + ": " + step.name());
                    step.run(ctx);
                } catch (StoppedException e) {
                    return new Outcome(op, history.volume(), Outcome.Result.STOPPED, null);
                } catch (RuntimeException e) {
                    AgentException error = asAgentException(e, step);
                    if (step.reversible()) {
                        return rollBack(ctx, history, error);
                    }
                    append(op, history.volume(), JournalSteps.FAILED, Map.of(Planner.DATA_ERROR, error.describe(), "step", step.name()));
                    return new Outcome(op, history.volume(), Outcome.Result.FAILED, error);
                }
                if (!recorded) {
                    append(op, history.volume(), step.name(), ctx.takeProduced());
                    history = new OperationHistory(op, history.volume(), appendRecord(history, step.name()));
                }
            }
            append(op, history.volume(), JournalSteps.DONE, Map.of());
            return new Outcome(op, history.volume(), Outcome.Result.DONE, null);
        }
    }

    /** Puts the volume back as it was before the operation: boot configuration, size, mount. */
    private Outcome rollBack(OperationContext ctx, OperationHistory history, AgentException cause) {
        String op = history.operation();
        try {
            if (history.has(JournalSteps.BOOT_CONFIG_SWITCHED) || cause.code() == ExecuteError.BOOT_CONFIG_FAILED) {
                ports.boot().revert(new BootSwitch(ctx.get(OperationContext.MAPPER_NAME), ctx.get(OperationContext.LUKS_UUID),
                        ctx.get(OperationContext.MOUNT_POINT), ctx.get(OperationContext.FS_TYPE),
                        ctx.get(OperationContext.FSTAB_OPTIONS), ctx.getOr(OperationContext.FSTAB_PASSNO, "0")),
                        ctx.get(OperationContext.FSTAB_SPEC));
            }
            if (history.has(JournalSteps.FILESYSTEM_SHRUNK)) {
                // it may have been mounted since the shrink (a reboot in between): resize2fs wants a fresh check
                ports.filesystem().check(ctx.device());
                ports.filesystem().growToDevice(ctx.device());
            }
            String mountPoint = ctx.get(OperationContext.MOUNT_POINT);
            if (history.has(JournalSteps.UNMOUNTED) && ports.mounter().sourceAt(mountPoint).isEmpty()) {
                ports.mounter().mount(ctx.device(), mountPoint, ctx.get(OperationContext.FS_TYPE), ctx.get(OperationContext.FSTAB_OPTIONS));
            }
        } catch (RuntimeException e) {
            AgentException error = asAgentException(e, null);
            LOG.severe(() -> "operation " + op + ": putting the volume back failed: " + error.describe());
            append(op, history.volume(), JournalSteps.FAILED, Map.of(Planner.DATA_ERROR, cause.describe() + "; rollback failed: "
                    + error.describe()));
            return new Outcome(op, history.volume(), Outcome.Result.FAILED, cause);
        }
        append(op, history.volume(), JournalSteps.ABANDONED, Map.of(Planner.DATA_ERROR, cause.describe(),
                Planner.DATA_SEQUENCE, ctx.getOr(OperationContext.SEQUENCE, "")));
        return new Outcome(op, history.volume(), Outcome.Result.ABANDONED, cause);
    }

    private List<JournalRecord> appendRecord(OperationHistory history, String step) {
        List<JournalRecord> records = new java.util.ArrayList<>(history.records());
        records.add(new JournalRecord(clock.instant(), history.operation(), history.volume(), step, Map.of()));
        return records;
    }

    private void append(String operation, String volume, String step, Map<String, String> data) {
        journal.append(new JournalRecord(clock.instant(), operation, volume, step, data));
    }

    private static AgentException asAgentException(RuntimeException e, Step step) {
        if (e instanceof AgentException agent) {
            return agent;
        }
        return new AgentException(ExecuteError.COMMAND_FAILED, "step " + (step == null ? "rollback" : step.name()) + " failed: "
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                "see the agent's log (journalctl -u guestcrypt-agent) and run the operation again", e);
    }

    private static AgentException gone(String device) {
        return new AgentException(ExecuteError.VOLUME_GONE, "the volume " + device + " is not attached any more",
                "attach the disk again; the operation resumes where it stopped");
    }
}
