package dev.guestcrypt.nativebind.luks;

/**
 * What an initialised conversion created.
 *
 * @param keyslot the keyslot holding the passphrase for the (new) volume key
 * @param uuid    the LUKS2 header UUID
 */
public record InitResult(int keyslot, String uuid) {}
