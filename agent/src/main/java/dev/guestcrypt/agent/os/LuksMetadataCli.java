package dev.guestcrypt.agent.os;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.Command;
import dev.guestcrypt.agent.execute.CommandResult;
import dev.guestcrypt.agent.execute.CommandRunner;
import dev.guestcrypt.agent.execute.ExecuteError;

import java.time.Duration;
import java.util.Optional;

/**
 * A LUKS2 header's whole JSON metadata, for the inventory, through {@code cryptsetup luksDump
 * --dump-json-metadata}: libcryptsetup 2.6 (Debian 12, Ubuntu 22.04/24.04) has no call that returns
 * it. Everything that changes a header goes through the library ({@link NativeVolumeCrypto}).
 */
public final class LuksMetadataCli {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SHORT = Duration.ofMinutes(2);
    private final CommandRunner runner;

    public LuksMetadataCli(CommandRunner runner) {
        this.runner = runner;
    }

    /** Whether LUKS2 metadata JSON requires (online or offline) re-encryption to finish. */
    public static boolean reencrypting(JsonNode meta) {
        for (JsonNode r : meta.path("config").path("requirements").path("mandatory")) {
            if (r.asText().contains("reencrypt")) {
                return true;
            }
        }
        for (JsonNode s : meta.path("segments")) {
            if (s.path("flags").toString().contains("in-reencryption")) {
                return true;
            }
        }
        return false;
    }

    /** The LUKS2 JSON metadata of {@code device}, or empty when it has no LUKS2 header. */
    public Optional<JsonNode> metadata(String device) {
        CommandResult r = runner.run(Command.of(SHORT, "cryptsetup", "luksDump", "--dump-json-metadata", device));
        if (!r.ok()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(r.stdout()));
        } catch (JsonProcessingException e) {
            throw new AgentException(ExecuteError.COMMAND_FAILED, "cryptsetup printed metadata for " + device + " that is not JSON",
                    "check the installed cryptsetup (2.4 or later is needed)");
        }
    }
}
