package dev.guestcrypt.agent.os;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.settings.SettingsError;
import dev.guestcrypt.agent.settings.SettingsParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /etc/guestcrypt/desired.json}: what the user asked for, in ADE's public-settings keys
 * plus {@code Volumes}; the {@code SequenceVersion} grows with each request. Never holds secrets.
 */
public final class DesiredStateFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public DesiredStateFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public Optional<Map<String, Object>> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(Files.readString(file), new TypeReference<LinkedHashMap<String, Object>>() { }));
        } catch (IOException e) {
            throw new AgentException(SettingsError.AGENT_CONFIG_INVALID, file + " is not valid JSON: " + e.getMessage(),
                    "run 'guestcrypt encrypt ...' again to rewrite it");
        }
    }

    /** Records a new request with the next sequence number; returns that number. */
    public long write(Map<String, Object> publicSettings) {
        long next = read().map(m -> m.get(SettingsParser.SEQUENCE_VERSION)).map(String::valueOf).map(DesiredStateFile::number).orElse(0L) + 1;
        Map<String, Object> content = new LinkedHashMap<>(publicSettings);
        content.put(SettingsParser.SEQUENCE_VERSION, String.valueOf(next));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(content) + "\n", false);
        } catch (IOException e) {
            throw new AgentException(SettingsError.AGENT_CONFIG_INVALID, "cannot write " + file + ": " + e.getMessage(),
                    "check that " + file.getParent() + " is writable by root");
        }
        return next;
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
