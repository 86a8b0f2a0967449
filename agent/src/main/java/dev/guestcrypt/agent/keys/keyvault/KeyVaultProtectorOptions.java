package dev.guestcrypt.agent.keys.keyvault;

import dev.guestcrypt.agent.keys.KekAlgorithm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link KeyVaultProtector} needs. Plain values: the settings layer fills them in
 * without touching the Azure SDK. Validation (URL allow-list, KEK form) happens in
 * {@link KeyVaultProtectors#create} before any credential is used.
 *
 * @param vaultUrl          vault that receives new secrets, e.g. {@code https://v.vault.azure.net};
 *                          null for a protector that only unlocks (tokens name their own vault)
 * @param kekUrl            key-encryption key, versioned or versionless; null for no KEK
 * @param kekAlgorithm      wrap algorithm (RSA-OAEP when null)
 * @param credential        who the agent is
 * @param requestTimeout    per HTTP attempt
 * @param maxRetries        retries per request on throttling, 5xx and I/O errors
 * @param maxRetryAfter     cap on a server's Retry-After (a vault must not park the agent)
 * @param trustedCaPem      extra CA certificate(s), PEM, that vault TLS certificates may chain to;
 *                          null for the system trust store
 * @param authorityHost     Entra ID authority for service principals; null to derive it from the
 *                          vault's cloud (login.microsoftonline.com, login.chinacloudapi.cn, ...)
 */
public record KeyVaultProtectorOptions(String vaultUrl, String kekUrl, KekAlgorithm kekAlgorithm,
                                       KeyVaultCredential credential, Duration requestTimeout, int maxRetries,
                                       Duration maxRetryAfter, Path trustedCaPem, String authorityHost) {
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(20);
    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(30);

    public KeyVaultProtectorOptions {
        Objects.requireNonNull(credential, "credential");
        kekAlgorithm = kekAlgorithm == null ? KekAlgorithm.RSA_OAEP : kekAlgorithm;
        requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
        maxRetryAfter = maxRetryAfter == null ? DEFAULT_MAX_RETRY_AFTER : maxRetryAfter;
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
    }

    /** Defaults for a vault without KEK. */
    public static KeyVaultProtectorOptions of(String vaultUrl, KeyVaultCredential credential) {
        return new KeyVaultProtectorOptions(vaultUrl, null, null, credential, null, DEFAULT_MAX_RETRIES, null, null, null);
    }

    /** Defaults for a protector that only unlocks volumes (each token names its vault). */
    public static KeyVaultProtectorOptions forUnlock(KeyVaultCredential credential) {
        return of(null, credential);
    }

    public KeyVaultProtectorOptions withKek(String newKekUrl, KekAlgorithm algorithm) {
        return new KeyVaultProtectorOptions(vaultUrl, newKekUrl, algorithm, credential, requestTimeout, maxRetries,
                maxRetryAfter, trustedCaPem, authorityHost);
    }

    public KeyVaultProtectorOptions withTimeouts(Duration newRequestTimeout, int newMaxRetries, Duration newMaxRetryAfter) {
        return new KeyVaultProtectorOptions(vaultUrl, kekUrl, kekAlgorithm, credential, newRequestTimeout, newMaxRetries,
                newMaxRetryAfter, trustedCaPem, authorityHost);
    }

    public KeyVaultProtectorOptions withTrustedCaPem(Path pem) {
        return new KeyVaultProtectorOptions(vaultUrl, kekUrl, kekAlgorithm, credential, requestTimeout, maxRetries,
                maxRetryAfter, pem, authorityHost);
    }

    public KeyVaultProtectorOptions withAuthorityHost(String newAuthorityHost) {
        return new KeyVaultProtectorOptions(vaultUrl, kekUrl, kekAlgorithm, credential, requestTimeout, maxRetries,
                maxRetryAfter, trustedCaPem, newAuthorityHost);
    }

    public KeyVaultProtectorOptions withCredential(KeyVaultCredential newCredential) {
        return new KeyVaultProtectorOptions(vaultUrl, kekUrl, kekAlgorithm, newCredential, requestTimeout, maxRetries,
                maxRetryAfter, trustedCaPem, authorityHost);
    }
}
