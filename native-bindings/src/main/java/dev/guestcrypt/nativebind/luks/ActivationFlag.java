package dev.guestcrypt.nativebind.luks;

import dev.guestcrypt.nativebind.jna.LibCryptsetup;

import java.util.Set;

/** Flags for activating a mapping. */
public enum ActivationFlag {
    READONLY(LibCryptsetup.CRYPT_ACTIVATE_READONLY),
    ALLOW_DISCARDS(LibCryptsetup.CRYPT_ACTIVATE_ALLOW_DISCARDS),
    NO_READ_WORKQUEUE(LibCryptsetup.CRYPT_ACTIVATE_NO_READ_WORKQUEUE),
    NO_WRITE_WORKQUEUE(LibCryptsetup.CRYPT_ACTIVATE_NO_WRITE_WORKQUEUE);

    private final int bit;

    ActivationFlag(int bit) {
        this.bit = bit;
    }

    static int bits(Set<ActivationFlag> flags) {
        int bits = 0;
        for (ActivationFlag flag : flags) {
            bits |= flag.bit;
        }
        return bits;
    }
}
