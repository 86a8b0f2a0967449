package dev.guestcrypt.agent.execute;

import dev.guestcrypt.agent.keys.KeyProtector;
import dev.guestcrypt.agent.settings.EncryptionSettings;

/** Where passphrases go and come back from. */
public interface KeyStores {
    /** The protector that stores new passphrases as {@code settings} say (vault, KEK, identity). */
    KeyProtector store(EncryptionSettings settings);

    /** A protector that gets any passphrase back by following its token (dispatch on the token type). */
    KeyProtector unlocking();
}
