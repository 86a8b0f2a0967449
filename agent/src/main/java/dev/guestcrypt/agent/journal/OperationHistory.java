package dev.guestcrypt.agent.journal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every journal record of one operation, in order, with their data merged (later wins). */
public record OperationHistory(String operation, String volume, List<JournalRecord> records) {
    public OperationHistory {
        records = List.copyOf(records);
    }

    public boolean has(String step) {
        return records.stream().anyMatch(r -> r.step().equals(step));
    }

    public String lastStep() {
        return records.get(records.size() - 1).step();
    }

    public JournalRecord last() {
        return records.get(records.size() - 1);
    }

    public Map<String, String> data() {
        Map<String, String> merged = new HashMap<>();
        records.forEach(r -> merged.putAll(r.data()));
        return merged;
    }

    public Optional<String> value(String key) {
        return Optional.ofNullable(data().get(key));
    }

    OperationHistory plus(JournalRecord record) {
        List<JournalRecord> all = new ArrayList<>(records);
        all.add(record);
        return new OperationHistory(operation, volume, all);
    }
}
