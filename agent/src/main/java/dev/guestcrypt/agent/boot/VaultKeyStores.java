package dev.guestcrypt.agent.boot;

import dev.guestcrypt.agent.execute.KeyStores;
import dev.guestcrypt.agent.execute.TokenDispatchingProtector;
import dev.guestcrypt.agent.keys.KeyProtector;
import dev.guestcrypt.agent.keys.KeyVaultToken;
import dev.guestcrypt.agent.keys.LocalKeyFileToken;
import dev.guestcrypt.agent.keys.keyvault.KeyVaultCredential;
import dev.guestcrypt.agent.keys.keyvault.KeyVaultProtectorOptions;
import dev.guestcrypt.agent.keys.keyvault.KeyVaultProtectors;
import dev.guestcrypt.agent.keys.local.LocalKeyFileProtector;
import dev.guestcrypt.agent.service.Paths;
import dev.guestcrypt.agent.settings.AgentConfig;
import dev.guestcrypt.agent.settings.EncryptionSettings;
import dev.guestcrypt.agent.settings.IdentitySetting;

import java.nio.file.Path;
import java.util.Map;

/** Key Vault protectors built from the settings and agent.json; unlocking follows each token's type. */
final class VaultKeyStores implements KeyStores {
    private final AgentConfig config;
    private final Paths paths;
    private KeyProtector unlocking;

    VaultKeyStores(AgentConfig config, Paths paths) {
        this.config = config;
        this.paths = paths;
    }

    @Override
    public KeyProtector store(EncryptionSettings settings) {
        KeyVaultProtectorOptions options = KeyVaultProtectorOptions.of(settings.keyVaultUrl(), credential(settings));
        if (settings.kekUrl() != null) {
            options = options.withKek(settings.kekUrl(), settings.kekAlgorithm());
        }
        return KeyVaultProtectors.create(withCa(options));
    }

    @Override
    public synchronized KeyProtector unlocking() {
        if (unlocking == null) {
            KeyVaultCredential credential = identity(config.identity());
            unlocking = new TokenDispatchingProtector(() -> {
                throw new IllegalStateException("the unlocking protector stores nothing");
            }, Map.of(KeyVaultToken.TYPE, () -> KeyVaultProtectors.create(withCa(KeyVaultProtectorOptions.forUnlock(credential))),
                    LocalKeyFileToken.TYPE, () -> new LocalKeyFileProtector(paths.state().resolve("keys"))));
        }
        return unlocking;
    }

    private KeyVaultProtectorOptions withCa(KeyVaultProtectorOptions options) {
        return config.trustedCaPem().map(p -> options.withTrustedCaPem(Path.of(p))).orElse(options);
    }

    private KeyVaultCredential credential(EncryptionSettings settings) {
        IdentitySetting id = settings.identity();
        if (id instanceof IdentitySetting.UserAssigned u) {
            return KeyVaultCredential.UserAssignedIdentity.parseAde(u.adeForm());
        }
        if (id instanceof IdentitySetting.ClientSecret s) {
            return new KeyVaultCredential.ServicePrincipalSecret(s.clientId(), settings.aadClientSecret().duplicate(), null);
        }
        if (id instanceof IdentitySetting.ClientCertificate c) {
            return new KeyVaultCredential.ServicePrincipalCertificate(c.clientId(), c.thumbprint(), null, null);
        }
        return identity(config.identity());
    }

    private static KeyVaultCredential identity(String text) {
        if (text == null || text.isBlank() || text.equalsIgnoreCase("system")) {
            return new KeyVaultCredential.SystemAssignedIdentity();
        }
        return KeyVaultCredential.UserAssignedIdentity.parseAde(text);
    }
}
