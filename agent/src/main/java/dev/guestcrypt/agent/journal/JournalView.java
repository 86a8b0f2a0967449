package dev.guestcrypt.agent.journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Read-only view of the journal, grouped by operation (in the order operations started). */
public final class JournalView {
    private final List<JournalRecord> records;
    private final Map<String, OperationHistory> operations = new LinkedHashMap<>();

    public JournalView(List<JournalRecord> records) {
        this.records = List.copyOf(records);
        for (JournalRecord r : records) {
            operations.merge(r.operation(), new OperationHistory(r.operation(), r.volume(), List.of(r)),
                    (old, fresh) -> old.plus(r));
        }
    }

    public static JournalView empty() {
        return new JournalView(List.of());
    }

    public List<JournalRecord> records() {
        return records;
    }

    public List<OperationHistory> operations() {
        return List.copyOf(operations.values());
    }

    public Optional<OperationHistory> operation(String id) {
        return Optional.ofNullable(operations.get(id));
    }

    /** The most recent operation on {@code volume}. */
    public Optional<OperationHistory> latestFor(String volume) {
        OperationHistory found = null;
        for (OperationHistory h : operations.values()) {
            if (h.volume().equals(volume)) {
                found = h;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Operations whose last step is not one of {@code finalSteps}. */
    public List<OperationHistory> unfinished(Set<String> finalSteps) {
        List<OperationHistory> out = new ArrayList<>();
        for (OperationHistory h : operations.values()) {
            if (!finalSteps.contains(h.lastStep())) {
                out.add(h);
            }
        }
        return out;
    }
}
