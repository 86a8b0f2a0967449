package dev.guestcrypt.agent.journal;

import dev.guestcrypt.agent.error.AgentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalTest {
    @TempDir
    Path dir;

    @Test
    void recordsReadBackGroupedByOperationInAPrivateFile() throws Exception {
        Journal j = new Journal(dir.resolve("state/journal"));
        j.append(rec("op1", "fs:a", JournalSteps.STARTED, Map.of("mountPoint", "/data")));
        j.append(rec("op2", "fs:b", JournalSteps.STARTED, Map.of()));
        j.append(rec("op1", "fs:a", JournalSteps.KEY_PROTECTED, Map.of("token", "{\"type\":\"x\"}")));
        JournalView v = j.read();
        assertThat(v.records()).hasSize(3);
        OperationHistory op1 = v.operation("op1").orElseThrow();
        assertThat(op1.lastStep()).isEqualTo(JournalSteps.KEY_PROTECTED);
        assertThat(op1.data()).containsEntry("mountPoint", "/data").containsEntry("token", "{\"type\":\"x\"}");
        assertThat(v.unfinished(JournalSteps.FINAL)).hasSize(2);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(j.file()))).isEqualTo("rw-------");
    }

    @Test
    void aTornLastLineIsIgnoredAndCutBeforeTheNextAppend() throws Exception {
        Journal j = new Journal(dir.resolve("journal"));
        j.append(rec("op1", "fs:a", JournalSteps.STARTED, Map.of()));
        Files.writeString(j.file(), "{\"time\":\"2026-01-01T00:00:00Z\",\"operation\":\"op1\",\"vol", StandardOpenOption.APPEND);
        assertThat(j.read().records()).hasSize(1);
        j.append(rec("op1", "fs:a", JournalSteps.KEY_PROTECTED, Map.of()));
        JournalView v = j.read();
        assertThat(v.records()).extracting(JournalRecord::step).containsExactly(JournalSteps.STARTED, JournalSteps.KEY_PROTECTED);
        assertThat(Files.readString(j.file())).doesNotContain("\"vol{");
    }

    @Test
    void aDamagedLineInTheMiddleIsAnError() throws Exception {
        Journal j = new Journal(dir.resolve("journal"));
        j.append(rec("op1", "fs:a", JournalSteps.STARTED, Map.of()));
        Files.writeString(j.file(), "garbage\n", StandardOpenOption.APPEND);
        j.append(rec("op1", "fs:a", JournalSteps.DONE, Map.of()));
        assertThatThrownBy(j::read).isInstanceOf(AgentException.class).hasMessageContaining("line 2");
    }

    @Test
    void latestForAVolumeAndFinalSteps() {
        JournalView v = new JournalView(java.util.List.of(rec("a", "fs:1", JournalSteps.STARTED, Map.of()),
                rec("a", "fs:1", JournalSteps.ABANDONED, Map.of()), rec("b", "fs:1", JournalSteps.STARTED, Map.of()),
                rec("b", "fs:1", JournalSteps.DONE, Map.of())));
        assertThat(v.latestFor("fs:1").orElseThrow().operation()).isEqualTo("b");
        assertThat(v.unfinished(Set.of(JournalSteps.DONE, JournalSteps.ABANDONED))).isEmpty();
    }

    private static JournalRecord rec(String op, String vol, String step, Map<String, String> data) {
        return new JournalRecord(Instant.parse("2026-11-29T01:00:00Z"), op, vol, step, data);
    }
}
