package dev.guestcrypt.agent.journal;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One line of the journal: operation {@code operation} on {@code volume} finished {@code step}.
 * {@code data} carries what later steps need (LUKS UUID, mapper name, mount options, the key
 * token); never key material.
 */
public record JournalRecord(Instant time, String operation, String volume, String step, Map<String, String> data) {
    public JournalRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(step, "step");
        data = data == null ? Map.of() : Map.copyOf(new TreeMap<>(data));
    }
}
