package dev.guestcrypt.agent.keys;

import java.util.Objects;

/**
 * A passphrase that has been stored and verified by a {@link KeyProtector}.
 *
 * @param token     the LUKS2 token to write into the volume's header (keyslots still empty)
 * @param reference where the key lives, for status and logs (ADE's {@code SecretUri}); not secret
 */
public record ProtectedKey(KeyToken token, String reference) {
    public ProtectedKey {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(reference, "reference");
    }
}
