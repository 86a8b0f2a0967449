package dev.guestcrypt.nativebind.luks;

/**
 * A last change to a new header before a conversion is recorded in it, e.g. writing the key
 * escrow token: once a re-encryption is pending the library refuses token and keyslot changes.
 */
@FunctionalInterface
public interface HeaderSetup {
    /**
     * @param header  the handle on the new header (temporary file for in-place encryption)
     * @param keyslot the keyslot holding the conversion's passphrase
     */
    void apply(LuksDevice header, int keyslot);

    static HeaderSetup none() {
        return (header, keyslot) -> { };
    }
}
