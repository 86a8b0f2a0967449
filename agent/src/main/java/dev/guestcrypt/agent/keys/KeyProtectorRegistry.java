package dev.guestcrypt.agent.keys;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The protectors the agent knows, by LUKS2 token type: unlocking reads a token from the header
 * and hands it to the protector of that type, never to one chosen by configuration.
 */
public final class KeyProtectorRegistry {
    private final Map<String, KeyProtector> byType = new LinkedHashMap<>();

    public KeyProtectorRegistry(List<KeyProtector> protectors) {
        for (KeyProtector protector : protectors) {
            if (byType.putIfAbsent(protector.tokenType(), protector) != null) {
                throw new IllegalArgumentException("two protectors for token type " + protector.tokenType());
            }
        }
    }

    /** The protector for {@code tokenType}, or a TOKEN_TYPE_UNSUPPORTED refusal naming the known types. */
    public KeyProtector forType(String tokenType) {
        KeyProtector protector = byType.get(tokenType);
        if (protector == null) {
            throw new AgentException(KeyTokenError.TOKEN_TYPE_UNSUPPORTED, "no key protector is configured for LUKS2 token type '"
                    + tokenType + "' (configured: " + String.join(", ", byType.keySet()) + ")",
                    "configure the matching protector (e.g. Key Vault credentials) or unlock with a recovery passphrase");
        }
        return protector;
    }

    /** Gets the passphrase back from whatever the token names. The caller closes the result. */
    public SecretBytes unprotect(KeyToken token) {
        return forType(token.type()).unprotect(token);
    }
}
