package dev.guestcrypt.agent.keys;

import dev.guestcrypt.nativebind.secret.SecretBytes;

/**
 * Keeps volume passphrases somewhere safe and gets them back. Implementations: Azure Key Vault
 * ({@code keys.keyvault}) and a local key file ({@code keys.local}).
 *
 * <p>Failures are {@link dev.guestcrypt.agent.error.AgentException}s with the protector's own
 * error codes; no message ever contains key material.
 */
public interface KeyProtector {
    /** The LUKS2 token type this protector writes and reads. */
    String tokenType();

    /**
     * Stores {@code passphrase} for {@code volume}, then reads it back, unwraps it and compares it
     * with the original. Returns only when the stored copy is proven to give back exactly
     * {@code passphrase}; otherwise throws, and the passphrase must not be used. The caller keeps
     * ownership of {@code passphrase}.
     */
    ProtectedKey protect(SecretBytes passphrase, VolumeIdentity volume);

    /**
     * Gets the passphrase described by {@code token} back. The caller owns (and must close) the
     * result.
     */
    SecretBytes unprotect(KeyToken token);
}
