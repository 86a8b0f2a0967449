package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.status.Status;
import dev.guestcrypt.agent.status.StatusJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;

/** {@code /var/lib/guestcrypt/status.json}, replaced atomically so readers never see half a file. */
public final class StatusFile {
    private static final Logger LOG = Logger.getLogger(StatusFile.class.getName());
    private final Path file;

    public StatusFile(Path file) {
        this.file = file;
    }

    public void write(Status status) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, StatusJson.toJson(status), false);
        } catch (IOException e) {
            LOG.warning(() -> "cannot write " + file + ": " + e.getMessage());
        }
    }

    public Optional<Status> read() {
        try {
            return Files.exists(file) ? Optional.of(StatusJson.fromJson(Files.readString(file))) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
