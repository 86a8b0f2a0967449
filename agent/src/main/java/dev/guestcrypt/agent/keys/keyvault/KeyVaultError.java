package dev.guestcrypt.agent.keys.keyvault;

import dev.guestcrypt.agent.error.ErrorCode;

/**
 * Every way talking to Key Vault can fail. Exit codes follow ADE: 53 for configuration errors,
 * 13 ("create encryption secret failed") for failures storing a key, 15 for a key that cannot be
 * fetched to unlock.
 */
public enum KeyVaultError implements ErrorCode {
    /** Vault or KEK URL is not an Azure Key Vault / Managed HSM URL; nothing was sent. */
    KEY_VAULT_URL_REFUSED("GC1101", 53),
    /** No token could be obtained for the configured identity. */
    KEY_VAULT_UNAUTHENTICATED("GC1102", 13),
    /** The identity lacks a permission on the vault. */
    KEY_VAULT_FORBIDDEN("GC1103", 13),
    /** The secret (or its version) named by a token does not exist. */
    KEY_VAULT_SECRET_NOT_FOUND("GC1104", 15),
    /** The key-encryption key does not exist, is disabled, or is not an RSA key that allows wrap/unwrap. */
    KEY_VAULT_KEK_UNUSABLE("GC1105", 53),
    /** The vault kept throttling after the retries. */
    KEY_VAULT_THROTTLED("GC1106", 13),
    /** The vault did not answer usefully: 5xx, timeout, dropped connection, DNS failure. */
    KEY_VAULT_UNAVAILABLE("GC1107", 13),
    /** What was read back is not what was stored; the passphrase must not be used. */
    KEY_VAULT_VERIFY_FAILED("GC1108", 13),
    /** The vault's TLS certificate is not trusted or does not match its name. */
    KEY_VAULT_TLS_FAILED("GC1109", 13),
    /** The credential settings are unusable (certificate files missing, bad identity id). */
    KEY_VAULT_CREDENTIAL_INVALID("GC1110", 53),
    /** The stored secret value is not a passphrase guestcrypt or ADE wrote. */
    KEY_VAULT_SECRET_INVALID("GC1111", 15),
    /** The vault rejected the request for another reason. */
    KEY_VAULT_REQUEST_FAILED("GC1112", 13);

    private final String id;
    private final int exitCode;

    KeyVaultError(String id, int exitCode) {
        this.id = id;
        this.exitCode = exitCode;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int exitCode() {
        return exitCode;
    }

    /** An unreachable, throttling or not-yet-trusted vault, or a token not yet issued, may recover; the rest needs a person. */
    @Override
    public boolean permanent() {
        return switch (this) {
            case KEY_VAULT_UNAUTHENTICATED, KEY_VAULT_THROTTLED, KEY_VAULT_UNAVAILABLE, KEY_VAULT_TLS_FAILED, KEY_VAULT_REQUEST_FAILED -> false;
            default -> true;
        };
    }
}
