package dev.guestcrypt.agent.keys.keyvault;

import dev.guestcrypt.agent.keys.KeyProtector;
import dev.guestcrypt.agent.keys.KeyToken;
import dev.guestcrypt.agent.keys.KeyVaultToken;
import dev.guestcrypt.agent.keys.ProtectedKey;
import dev.guestcrypt.agent.keys.VolumeIdentity;
import dev.guestcrypt.nativebind.secret.SecretBytes;

/** Keeps passphrases as Key Vault secrets, optionally wrapped by a KEK, ADE-compatible. */
final class KeyVaultProtector implements KeyProtector {
    private final KeyVaultProtectorOptions options;

    KeyVaultProtector(KeyVaultProtectorOptions options) {
        this.options = options;
    }

    @Override
    public String tokenType() {
        return KeyVaultToken.TYPE;
    }

    @Override
    public ProtectedKey protect(SecretBytes passphrase, VolumeIdentity volume) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public SecretBytes unprotect(KeyToken token) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
