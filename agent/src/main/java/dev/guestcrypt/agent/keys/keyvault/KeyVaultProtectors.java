package dev.guestcrypt.agent.keys.keyvault;

import dev.guestcrypt.agent.keys.KeyProtector;

/** Builds Key Vault protectors; the composition root's only entry into this package. */
public final class KeyVaultProtectors {
    private KeyVaultProtectors() {}

    /**
     * Validates {@code options} (vault and KEK URLs against the allow-list, credential files) and
     * builds the protector. Throws {@link dev.guestcrypt.agent.error.AgentException} with a
     * {@link KeyVaultError} code before any network use if something is wrong.
     */
    public static KeyProtector create(KeyVaultProtectorOptions options) {
        return new KeyVaultProtector(options);
    }
}
