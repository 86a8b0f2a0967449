package dev.guestcrypt.agent.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guestcrypt.agent.error.AgentException;

import java.util.Optional;

/**
 * The agent's own settings ({@code /etc/guestcrypt/agent.json}); every field is optional.
 *
 * @param identity          Key Vault identity for unlocking and for the daemon: {@code system} or
 *                          ADE's {@code client_id=..}/{@code object_id=..}/{@code mi_res_id=..}
 * @param trustedCaPem      extra CA certificates (PEM) that vault TLS certificates may chain to
 * @param unlockWaitSeconds how long {@code unlock --wait} keeps retrying the vault
 */
public record AgentConfig(String identity, Optional<String> trustedCaPem, int unlockWaitSeconds) {
    public static final int DEFAULT_UNLOCK_WAIT_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static AgentConfig defaults() {
        return new AgentConfig("system", Optional.empty(), DEFAULT_UNLOCK_WAIT_SECONDS);
    }

    public static AgentConfig parse(String json, String origin) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            String ca = n.path("trustedCaPem").asText("");
            int wait = n.path("unlockWaitSeconds").asInt(DEFAULT_UNLOCK_WAIT_SECONDS);
            if (wait < 0 || wait > 86_400) {
                throw new IllegalArgumentException("unlockWaitSeconds " + wait + " is outside 0..86400");
            }
            return new AgentConfig(n.path("identity").asText("system"), ca.isBlank() ? Optional.empty() : Optional.of(ca), wait);
        } catch (Exception e) {
            throw new AgentException(SettingsError.AGENT_CONFIG_INVALID, origin + " is not valid: " + e.getMessage(),
                    "fix the file; fields: identity, trustedCaPem, unlockWaitSeconds (all optional)");
        }
    }
}
