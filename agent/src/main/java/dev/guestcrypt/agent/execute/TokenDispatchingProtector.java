package dev.guestcrypt.agent.execute;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.keys.KeyProtector;
import dev.guestcrypt.agent.keys.KeyToken;
import dev.guestcrypt.agent.keys.KeyTokenError;
import dev.guestcrypt.agent.keys.ProtectedKey;
import dev.guestcrypt.agent.keys.VolumeIdentity;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Stores new passphrases with one protector and gets them back with whichever protector wrote
 * the token: unlocking follows the token in the header, never a configuration file. Protectors
 * are built on first use, so a command that needs no vault never touches one.
 */
public final class TokenDispatchingProtector implements KeyProtector {
    private final Supplier<KeyProtector> store;
    private final Map<String, Supplier<KeyProtector>> byType;

    public TokenDispatchingProtector(Supplier<KeyProtector> store, Map<String, Supplier<KeyProtector>> byType) {
        this.store = store;
        this.byType = Map.copyOf(byType);
    }

    @Override
    public String tokenType() {
        return store.get().tokenType();
    }

    @Override
    public ProtectedKey protect(SecretBytes passphrase, VolumeIdentity volume) {
        return store.get().protect(passphrase, volume);
    }

    @Override
    public SecretBytes unprotect(KeyToken token) {
        Supplier<KeyProtector> protector = byType.get(token.type());
        if (protector == null) {
            throw new AgentException(KeyTokenError.TOKEN_TYPE_UNSUPPORTED, "no protector for key tokens of type '" + token.type() + "'",
                    "upgrade guestcrypt, or open the volume by hand with its recovery passphrase");
        }
        return protector.get().unprotect(token);
    }
}
