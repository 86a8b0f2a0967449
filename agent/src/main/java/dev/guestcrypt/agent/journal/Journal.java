package dev.guestcrypt.agent.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guestcrypt.agent.error.AgentException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The append-only journal of the agent's own steps: one JSON object per line, each line forced to
 * disk before {@link #append} returns. A torn last line (power cut mid-write) is ignored when
 * reading, and cut off before the next append; a damaged line anywhere else is an error, because
 * skipping it could make the agent repeat or skip a step.
 */
public final class Journal {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Consumer<JournalRecord> afterDurable;

    public Journal(Path file) {
        this(file, record -> { });
    }

    /** {@code afterDurable} sees every record once it is on disk (fault injection hooks in here). */
    public Journal(Path file, Consumer<JournalRecord> afterDurable) {
        this.file = file;
        this.afterDurable = afterDurable;
    }

    public Path file() {
        return file;
    }

    public synchronized void append(JournalRecord record) {
        ObjectNode node = JSON.createObjectNode();
        node.put("time", record.time().toString());
        node.put("operation", record.operation());
        node.put("volume", record.volume());
        node.put("step", record.step());
        ObjectNode data = node.putObject("data");
        record.data().forEach(data::put);
        byte[] line;
        try {
            line = (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            boolean created = false;
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                created = true;
            }
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                created = true;
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
                long end = validEnd(ch);
                ch.truncate(end);
                ch.position(end);
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            if (created) {
                try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                    d.force(true);
                }
            }
        } catch (IOException e) {
            throw new AgentException(JournalError.JOURNAL_WRITE_FAILED, "cannot write the journal " + file + ": " + e.getMessage(),
                    "check that " + file.getParent() + " exists, is writable by root and the disk is not full");
        }
        afterDurable.accept(record);
    }

    /** Offset just after the last newline: anything beyond is a torn record. */
    private static long validEnd(FileChannel ch) throws IOException {
        long size = ch.size();
        long pos = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (pos > 0) {
            one.clear();
            ch.read(one, pos - 1);
            if (one.get(0) == '\n') {
                return pos;
            }
            pos--;
        }
        return 0;
    }

    public JournalView read() {
        if (!Files.exists(file)) {
            return JournalView.empty();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AgentException(JournalError.JOURNAL_UNREADABLE, "cannot read the journal " + file + ": " + e.getMessage(),
                    "check the file's permissions (root, 0600)");
        }
        return parse(text, file.toString());
    }

    /** Parses journal text; public for tests and tools. */
    public static JournalView parse(String text, String origin) {
        List<JournalRecord> records = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        // The last element is "" when the text ends with a newline, or a torn record when it does not.
        for (int i = 0; i < lines.length - 1; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                records.add(fromJson(JSON.readTree(lines[i])));
            } catch (JsonProcessingException | RuntimeException e) {
                throw new AgentException(JournalError.JOURNAL_DAMAGED, "line " + (i + 1) + " of the journal " + origin + " is damaged",
                        "keep a copy of the file for support; remove the damaged line only if you know the step it recorded");
            }
        }
        return new JournalView(records);
    }

    private static JournalRecord fromJson(JsonNode node) {
        Map<String, String> data = new TreeMap<>();
        node.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        String op = node.path("operation").asText("");
        String step = node.path("step").asText("");
        if (op.isEmpty() || step.isEmpty()) {
            throw new IllegalArgumentException("record without operation or step");
        }
        return new JournalRecord(Instant.parse(node.path("time").asText()), op, node.path("volume").asText(""), step, data);
    }
}
