package dev.guestcrypt.agent.keys;

import java.util.List;

/**
 * A LUKS2 token: the non-secret description, stored in the volume's header, of how to get the
 * volume's passphrase back. Unlocking dispatches on {@link #type()}.
 */
public sealed interface KeyToken permits KeyVaultToken, LocalKeyFileToken {
    /** The LUKS2 token type, e.g. {@code guestcrypt-azure-kv}. */
    String type();

    /** Keyslots the passphrase opens; empty until the passphrase has been added to the header. */
    List<Integer> keyslots();

    /** The same token bound to {@code keyslots}. */
    KeyToken withKeyslots(List<Integer> keyslots);
}
