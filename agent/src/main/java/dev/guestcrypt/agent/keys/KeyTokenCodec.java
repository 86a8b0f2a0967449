package dev.guestcrypt.agent.keys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guestcrypt.agent.error.AgentException;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes key tokens as LUKS2 token JSON ({@code docs/keyvault-token.md}). LUKS2 wants
 * {@code type} and {@code keyslots} (an array of keyslot numbers as strings); the rest is ours.
 * Unknown fields are ignored so that a newer minor addition does not lock out an older agent.
 */
public final class KeyTokenCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyTokenCodec() {}

    public static String toJson(KeyToken token) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", token.type());
        ArrayNode slots = node.putArray("keyslots");
        token.keyslots().forEach(slot -> slots.add(String.valueOf(slot)));
        if (token instanceof KeyVaultToken kv) {
            node.put("version", KeyVaultToken.VERSION);
            node.put("protector", "azure-key-vault");
            node.put("vault_url", kv.vaultUrl());
            node.put("secret_name", kv.secretName());
            node.put("secret_version", kv.secretVersion());
            node.put("protection", kv.protection() == KeyVaultToken.Protection.SECRET ? "secret" : "kek-wrapped");
            if (kv.kek() != null) {
                ObjectNode kek = node.putObject("kek");
                kek.put("key_id", kv.kek().keyId());
                kek.put("key_version", kv.kek().version());
                kek.put("algorithm", kv.kek().algorithm().wireName());
            }
        } else if (token instanceof LocalKeyFileToken local) {
            node.put("version", LocalKeyFileToken.VERSION);
            node.put("protector", "local-key-file");
            node.put("path", local.path());
            node.put("sha256", local.sha256());
        }
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a key token", e);
        }
    }

    /**
     * Whether the LUKS2 token JSON {@code tokenJson} is of {@code type}, without parsing it: a header
     * may hold tokens of other tools, which {@link #fromJson} would refuse.
     */
    public static boolean hasType(String tokenJson, String type) {
        return tokenJson.replace(" ", "").contains("\"type\":\"" + type + "\"");
    }

    /** Parses a token; refuses unknown types, newer versions and missing fields with a clear error. */
    public static KeyToken fromJson(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw invalid("the LUKS2 token is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw invalid("the LUKS2 token is not a JSON object");
        }
        String type = text(node, "type");
        return switch (type) {
            case KeyVaultToken.TYPE -> {
                checkVersion(node, type, KeyVaultToken.VERSION);
                KeyVaultToken.Kek kek = null;
                JsonNode kekNode = node.get("kek");
                if (kekNode != null && !kekNode.isNull()) {
                    String alg = text(kekNode, "algorithm");
                    kek = new KeyVaultToken.Kek(text(kekNode, "key_id"), KekAlgorithm.fromWireName(alg)
                            .orElseThrow(() -> invalid("the token's KEK algorithm '" + alg + "' is unknown")));
                }
                KeyVaultToken token = new KeyVaultToken(text(node, "vault_url"), text(node, "secret_name"),
                        text(node, "secret_version"), kek, keyslots(node));
                String protection = node.path("protection").asText("");
                String expected = kek == null ? "secret" : "kek-wrapped";
                if (!protection.isEmpty() && !protection.equals(expected)) {
                    throw invalid("the token says protection '" + protection + "' but "
                            + (kek == null ? "names no KEK" : "names a KEK"));
                }
                yield token;
            }
            case LocalKeyFileToken.TYPE -> {
                checkVersion(node, type, LocalKeyFileToken.VERSION);
                yield new LocalKeyFileToken(text(node, "path"), text(node, "sha256"), keyslots(node));
            }
            default -> throw new AgentException(KeyTokenError.TOKEN_TYPE_UNSUPPORTED,
                    "the LUKS2 token type '" + type + "' is not a guestcrypt key token",
                    "use a token of type " + KeyVaultToken.TYPE + " or " + LocalKeyFileToken.TYPE);
        };
    }

    private static void checkVersion(JsonNode node, String type, int supported) {
        int version = node.path("version").asInt(-1);
        if (version < 1) {
            throw invalid("the " + type + " token has no valid 'version'");
        }
        if (version > supported) {
            throw new AgentException(KeyTokenError.TOKEN_VERSION_UNSUPPORTED,
                    "the " + type + " token has version " + version + "; this agent reads up to " + supported,
                    "upgrade guestcrypt to a version that wrote this token");
        }
    }

    private static List<Integer> keyslots(JsonNode node) {
        List<Integer> slots = new ArrayList<>();
        for (JsonNode slot : node.path("keyslots")) {
            try {
                slots.add(Integer.parseInt(slot.asText()));
            } catch (NumberFormatException e) {
                throw invalid("the token's keyslot '" + slot.asText() + "' is not a number");
            }
        }
        return slots;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw invalid("the LUKS2 token has no '" + field + "'");
        }
        return value.asText();
    }

    private static AgentException invalid(String problem) {
        return new AgentException(KeyTokenError.TOKEN_INVALID, problem,
                "restore the LUKS2 header from its backup, or unlock with a recovery passphrase and re-protect the volume");
    }
}
