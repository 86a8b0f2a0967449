package dev.guestcrypt.agent.keys;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The LUKS2 token of a passphrase kept in Azure Key Vault (type {@value #TYPE}, version
 * {@value #VERSION}); documented in {@code docs/keyvault-token.md}. Holds nothing secret.
 *
 * @param vaultUrl      the vault, e.g. {@code https://myvault.vault.azure.net}
 * @param secretName    name of the secret that holds the passphrase
 * @param secretVersion the exact secret version that was stored and verified
 * @param kek           the key-encryption key that wraps the secret value, or null
 * @param keyslots      LUKS2 keyslots the passphrase opens
 */
public record KeyVaultToken(String vaultUrl, String secretName, String secretVersion, Kek kek,
                            List<Integer> keyslots) implements KeyToken {
    public static final String TYPE = "guestcrypt-azure-kv";
    public static final int VERSION = 1;

    /**
     * A versioned key-encryption key.
     *
     * @param keyId     the full versioned key id, {@code https://v.vault.azure.net/keys/name/version}
     * @param algorithm the wrap algorithm used
     */
    public record Kek(String keyId, KekAlgorithm algorithm) {
        public Kek {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(algorithm, "algorithm");
        }

        /** The version segment of {@link #keyId()}. */
        public String version() {
            return keyId.substring(keyId.lastIndexOf('/') + 1);
        }
    }

    /** How the secret's value relates to the passphrase. */
    public enum Protection {
        /** Secret value = base64(passphrase), as ADE without a KEK. */
        SECRET,
        /** Secret value = KEK wrap of the passphrase, as ADE with a KEK. */
        KEK_WRAPPED
    }

    public KeyVaultToken {
        Objects.requireNonNull(vaultUrl, "vaultUrl");
        Objects.requireNonNull(secretName, "secretName");
        Objects.requireNonNull(secretVersion, "secretVersion");
        keyslots = List.copyOf(keyslots == null ? List.of() : keyslots);
    }

    @Override
    public String type() {
        return TYPE;
    }

    public Protection protection() {
        return kek == null ? Protection.SECRET : Protection.KEK_WRAPPED;
    }

    public Optional<Kek> kekIfAny() {
        return Optional.ofNullable(kek);
    }

    /** The versioned secret URL, ADE's {@code SecretUri}. */
    public String secretUrl() {
        return stripSlash(vaultUrl) + "/secrets/" + secretName + "/" + secretVersion;
    }

    @Override
    public KeyVaultToken withKeyslots(List<Integer> newKeyslots) {
        return new KeyVaultToken(vaultUrl, secretName, secretVersion, kek, newKeyslots);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
