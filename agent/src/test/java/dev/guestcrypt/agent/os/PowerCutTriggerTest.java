package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.journal.Journal;
import dev.guestcrypt.agent.journal.JournalRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PowerCutTriggerTest {
    @TempDir
    Path dir;

    private JournalRecord record(String step) {
        return new JournalRecord(Instant.now(), "op", "vol", step, Map.of());
    }

    @Test
    void resetsOnceAfterTheNamedStepIsOnDiskAndNeverWithoutTheFile() throws Exception {
        Path trigger = dir.resolve("power-cut-after");
        Path sysrq = dir.resolve("sysrq-trigger");
        Files.writeString(sysrq, "");
        Journal journal = new Journal(dir.resolve("journal"), new PowerCutTrigger(trigger, sysrq));

        journal.append(record("UNMOUNTED"));
        assertThat(Files.readString(sysrq)).isEmpty();

        Files.writeString(trigger, "LUKS_INITIALISED\n");
        journal.append(record("FILESYSTEM_CHECKED"));
        assertThat(Files.readString(sysrq)).isEmpty();
        assertThat(trigger).exists();

        journal.append(record("LUKS_INITIALISED"));
        assertThat(Files.readString(sysrq)).isEqualTo("b");
        assertThat(trigger).doesNotExist();
        // the record that triggered the cut was durable before it
        assertThat(journal.read().records()).extracting(JournalRecord::step).endsWith("LUKS_INITIALISED");

        Files.writeString(sysrq, "");
        journal.append(record("LUKS_INITIALISED"));
        assertThat(Files.readString(sysrq)).as("fires once").isEmpty();
    }
}
