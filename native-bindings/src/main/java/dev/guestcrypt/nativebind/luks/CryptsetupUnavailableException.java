package dev.guestcrypt.nativebind.luks;

/** libcryptsetup could not be loaded. */
public final class CryptsetupUnavailableException extends CryptsetupException {
    private static final long serialVersionUID = 1L;

    CryptsetupUnavailableException(Throwable cause) {
        super("load libcryptsetup.so.12", null, 0,
                "libcryptsetup.so.12 could not be loaded (" + cause.getMessage()
                        + "); install the Debian/Ubuntu package libcryptsetup12", cause);
    }
}
