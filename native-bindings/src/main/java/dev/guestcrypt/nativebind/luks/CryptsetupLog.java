package dev.guestcrypt.nativebind.luks;

import dev.guestcrypt.nativebind.jna.LibCryptsetup;
import dev.guestcrypt.nativebind.jna.LibraryLog;

/**
 * Library messages go to the {@link System.Logger} named {@link #LOGGER_NAME}: errors as WARNING,
 * normal as INFO, verbose as DEBUG, debug output as TRACE. The library never logs key material.
 */
public final class CryptsetupLog {
    public static final String LOGGER_NAME = LibraryLog.LOGGER_NAME;

    private CryptsetupLog() {}

    /** Turns the library's (process-wide) debug output on or off; off by default. */
    public static void setDebug(boolean enabled) {
        Native.lib().crypt_set_debug_level(enabled ? LibCryptsetup.CRYPT_LOG_DEBUG : 0);
    }
}
