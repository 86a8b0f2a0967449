package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.journal.JournalRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Fault injection for crash tests on real machines: when the file {@code trigger} (root-only, under
 * /run so it never outlives a boot) names a journal step, the machine is reset through
 * /proc/sysrq-trigger the moment that step's record is on disk: no sync, no unmount, exactly like
 * a power cut at that point. The trigger file is removed first so it fires once. Without the file
 * this does nothing.
 */
public final class PowerCutTrigger implements Consumer<JournalRecord> {
    private static final Logger LOG = Logger.getLogger(PowerCutTrigger.class.getName());
    private final Path trigger;
    private final Path sysrq;

    public PowerCutTrigger(Path trigger, Path sysrq) {
        this.trigger = trigger;
        this.sysrq = sysrq;
    }

    public static PowerCutTrigger system(Path runDirectory) {
        return new PowerCutTrigger(runDirectory.resolve("power-cut-after"), Path.of("/proc/sysrq-trigger"));
    }

    @Override
    public void accept(JournalRecord record) {
        try {
            if (!Files.isRegularFile(trigger) || !Files.readString(trigger, StandardCharsets.US_ASCII).trim().equals(record.step())) {
                return;
            }
            Files.delete(trigger);
            LOG.warning(() -> "power cut requested by " + trigger + " after step " + record.step() + ": resetting now");
            // 'b': immediate reset without syncing or unmounting anything.
            Files.writeString(sysrq, "b", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            LOG.warning(() -> "power-cut trigger " + trigger + " could not fire: " + e.getMessage());
        }
    }
}
