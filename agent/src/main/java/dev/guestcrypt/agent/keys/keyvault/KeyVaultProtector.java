package dev.guestcrypt.agent.keys.keyvault;

import com.azure.security.keyvault.keys.models.KeyOperation;
import com.azure.security.keyvault.keys.models.KeyType;
import com.azure.security.keyvault.keys.models.KeyVaultKey;
import com.azure.security.keyvault.keys.cryptography.models.KeyWrapAlgorithm;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.keys.KekAlgorithm;
import dev.guestcrypt.agent.keys.KeyProtector;
import dev.guestcrypt.agent.keys.KeyToken;
import dev.guestcrypt.agent.keys.KeyTokenError;
import dev.guestcrypt.agent.keys.KeyVaultToken;
import dev.guestcrypt.agent.keys.ProtectedKey;
import dev.guestcrypt.agent.keys.VolumeIdentity;
import dev.guestcrypt.agent.keys.keyvault.KeyVaultFailures.Operation;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Keeps passphrases as Key Vault secrets the way ADE does: the secret value is base64 of the
 * passphrase, or with a KEK the Key Vault wrap of the passphrase (base64url). {@link #protect}
 * proves the stored copy gives the passphrase back before returning.
 */
final class KeyVaultProtector implements KeyProtector {
    private final KeyVaultProtectorOptions options;
    private final VaultAddress vault;
    private final VaultAddress.KeyAddress kek;
    private final AzureClients clients;
    /** The versioned KEK id, resolved once on first use. */
    private volatile String resolvedKekId;

    KeyVaultProtector(KeyVaultProtectorOptions options) {
        this.options = options;
        this.vault = options.vaultUrl() == null ? null : VaultAddress.parseVault(options.vaultUrl(), "Key Vault URL");
        this.kek = options.kekUrl() == null || options.kekUrl().isBlank() ? null
                : VaultAddress.parseKey(options.kekUrl(), "key-encryption key URL");
        this.clients = new AzureClients(options);
    }

    /** Builds the SDK clients for the configured vaults now instead of on first use (benchmarks, early failure). */
    void buildClients() {
        if (vault != null) {
            clients.secrets(vault);
        }
        if (kek != null) {
            clients.keys(kek.vault());
        }
    }

    @Override
    public String tokenType() {
        return KeyVaultToken.TYPE;
    }

    @Override
    public ProtectedKey protect(SecretBytes passphrase, VolumeIdentity volume) {
        if (vault == null) {
            throw new AgentException(KeyVaultError.KEY_VAULT_URL_REFUSED, "no Key Vault URL is configured, so a new "
                    + "passphrase cannot be stored", "set KeyVaultURL in the encryption settings");
        }
        if (passphrase.length() < 16) {
            throw new AgentException(KeyTokenError.PASSPHRASE_INVALID, "a passphrase of " + passphrase.length()
                    + " bytes is too short to protect a volume", "generate passphrases with PassphraseGenerator");
        }
        KekAlgorithm algorithm = options.kekAlgorithm();
        String kekId = kek == null ? null : resolveKek();
        KeyVaultToken.Kek tokenKek = kekId == null ? null : new KeyVaultToken.Kek(kekId, algorithm);

        String value = secretValue(passphrase, tokenKek);
        String name = UUID.randomUUID().toString();
        KeyVaultSecret stored = call(Operation.SET_SECRET, vault, () -> clients.secrets(vault).setSecret(
                new KeyVaultSecret(name, value).setProperties(new SecretProperties().setEnabled(true)
                        .setTags(SecretTags.of(volume, algorithm, kekId)))));
        String version = stored.getProperties().getVersion();
        KeyVaultToken token = new KeyVaultToken(vault.baseUrl(), name, version, tokenKek, List.of());

        // Read back exactly that version, unwrap with the vault, compare with what we meant to store.
        try (SecretBytes readBack = unprotect(token)) {
            if (!readBack.contentEquals(passphrase)) {
                throw new AgentException(KeyVaultError.KEY_VAULT_VERIFY_FAILED, "the secret " + token.secretUrl()
                        + " read back from the vault does not give the passphrase that was stored; it will not be used",
                        "retry; if it repeats, check for a proxy or tool that rewrites secrets in vault " + vault.name());
            }
        } catch (AgentException e) {
            if (e.code() == KeyVaultError.KEY_VAULT_VERIFY_FAILED) {
                throw e;
            }
            throw new AgentException(KeyVaultError.KEY_VAULT_VERIFY_FAILED, "the secret " + token.secretUrl()
                    + " was stored but could not be read back and verified (" + e.code().id() + ": " + e.getMessage()
                    + "); it will not be used", e.fix(), e);
        }
        return new ProtectedKey(token, token.secretUrl());
    }

    @Override
    public SecretBytes unprotect(KeyToken token) {
        if (!(token instanceof KeyVaultToken kv)) {
            throw new AgentException(KeyTokenError.TOKEN_TYPE_UNSUPPORTED, "the Key Vault protector cannot open a '"
                    + token.type() + "' token", "use the protector for that token type");
        }
        // The token comes from a disk header: check its URLs before sending a credential anywhere.
        VaultAddress secretVault = VaultAddress.parseVault(kv.vaultUrl(), "vault URL in the LUKS2 token");
        VaultAddress.KeyAddress tokenKek = kv.kek() == null ? null
                : VaultAddress.parseKey(kv.kek().keyId(), "KEK URL in the LUKS2 token");
        KeyVaultSecret secret = call(Operation.GET_SECRET, secretVault,
                () -> clients.secrets(secretVault).getSecret(kv.secretName(), kv.secretVersion()));
        String value = secret.getValue();
        if (value == null || value.isEmpty()) {
            throw invalidSecret(kv, "it is empty");
        }
        byte[] decoded;
        try {
            decoded = tokenKek == null ? Base64.getDecoder().decode(value) : decodeBase64Url(value);
        } catch (IllegalArgumentException e) {
            throw invalidSecret(kv, "its value is not " + (tokenKek == null ? "base64" : "base64url"));
        }
        if (tokenKek == null) {
            return take(decoded, kv);
        }
        KeyWrapAlgorithm algorithm = KeyWrapAlgorithm.fromString(kv.kek().algorithm().wireName());
        byte[] unwrapped = call(Operation.UNWRAP_KEY, tokenKek.vault(), () -> clients.crypto(tokenKek.vault(), kv.kek().keyId())
                .unwrapKey(algorithm, decoded).getKey());
        Arrays.fill(decoded, (byte) 0);
        return take(unwrapped, kv);
    }

    /** The secret value: base64(passphrase), or base64url(wrap(passphrase)) with a KEK. Heap copies are zeroed. */
    private String secretValue(SecretBytes passphrase, KeyVaultToken.Kek tokenKek) {
        byte[] plain = passphrase.copyToArray();
        try {
            if (tokenKek == null) {
                return Base64.getEncoder().encodeToString(plain);
            }
            KeyWrapAlgorithm algorithm = KeyWrapAlgorithm.fromString(tokenKek.algorithm().wireName());
            byte[] wrapped = call(Operation.WRAP_KEY, kek.vault(), () -> clients.crypto(kek.vault(), tokenKek.keyId())
                    .wrapKey(algorithm, plain).getEncryptedKey());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(wrapped);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** Fetches the KEK, checks it can wrap and unwrap, and pins its current version. */
    private String resolveKek() {
        String cached = resolvedKekId;
        if (cached != null) {
            return cached;
        }
        KeyVaultKey key = call(Operation.GET_KEY, kek.vault(), () -> clients.keys(kek.vault()).getKey(kek.name(), kek.version()));
        String problem = null;
        KeyType type = key.getKeyType();
        if (!KeyType.RSA.equals(type) && !KeyType.RSA_HSM.equals(type)) {
            problem = "it is a " + type + " key; only RSA keys can wrap passphrases";
        } else if (Boolean.FALSE.equals(key.getProperties().isEnabled())) {
            problem = "it is disabled";
        } else if (key.getKeyOperations() != null && !key.getKeyOperations().isEmpty()
                && !(key.getKeyOperations().contains(KeyOperation.WRAP_KEY) && key.getKeyOperations().contains(KeyOperation.UNWRAP_KEY))) {
            problem = "its permitted operations " + key.getKeyOperations() + " lack wrapKey or unwrapKey";
        }
        if (problem != null) {
            throw new AgentException(KeyVaultError.KEY_VAULT_KEK_UNUSABLE, "the key-encryption key " + kek.id()
                    + " cannot be used: " + problem, "use an enabled RSA key (2048 bits or more) that permits wrapKey and unwrapKey");
        }
        resolvedKekId = key.getId();
        return resolvedKekId;
    }

    private <T> T call(Operation op, VaultAddress target, Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw KeyVaultFailures.map(e, op, target, options.credential());
        }
    }

    private static SecretBytes take(byte[] bytes, KeyVaultToken token) {
        if (bytes.length == 0) {
            throw invalidSecret(token, "it holds an empty passphrase");
        }
        return SecretBytes.takeFrom(bytes);
    }

    private static byte[] decodeBase64Url(String value) {
        String normalised = value.trim().replace('+', '-').replace('/', '_');
        int end = normalised.length();
        while (end > 0 && normalised.charAt(end - 1) == '=') {
            end--;
        }
        return Base64.getUrlDecoder().decode(normalised.substring(0, end).getBytes(StandardCharsets.US_ASCII));
    }

    private static AgentException invalidSecret(KeyVaultToken token, String why) {
        return new AgentException(KeyVaultError.KEY_VAULT_SECRET_INVALID, "the secret " + token.secretUrl()
                + " is not a passphrase guestcrypt or ADE wrote: " + why, "check that the secret was not overwritten; "
                + "unlock with a recovery passphrase");
    }
}
