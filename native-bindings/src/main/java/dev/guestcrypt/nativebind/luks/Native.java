package dev.guestcrypt.nativebind.luks;

import dev.guestcrypt.nativebind.jna.CryptsetupLibrary;
import dev.guestcrypt.nativebind.jna.LibCryptsetup;
import dev.guestcrypt.nativebind.jna.LibraryLog;

/** The one place that loads the library and turns negative return codes into exceptions. */
final class Native {
    private Native() {}

    static LibCryptsetup lib() {
        try {
            return CryptsetupLibrary.get();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CryptsetupUnavailableException(e);
        }
    }

    /** Call before a library call so the exception quotes only this call's message. */
    static void begin() {
        LibraryLog.clearLastError();
    }

    /** Returns {@code rc} when it is {@code >= 0}, otherwise throws with the library's last message. */
    static int check(int rc, String operation, String device) {
        return check(rc, operation, device, null);
    }

    static int check(int rc, String operation, String device, String hint) {
        if (rc >= 0) {
            return rc;
        }
        String said = LibraryLog.lastError();
        String detail = said == null ? null : "library: " + said;
        if (hint != null) {
            detail = detail == null ? hint : detail + "; " + hint;
        }
        throw new CryptsetupException(operation, device, -rc, detail);
    }
}
