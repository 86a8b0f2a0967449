package dev.guestcrypt.nativebind.jna;

import com.sun.jna.Pointer;

/**
 * Routes libcryptsetup messages to {@link System.Logger} {@value #LOGGER_NAME} and remembers the
 * last error message of the calling thread, so an exception can quote it. The library never
 * passes key material to this callback (debug output included); the callback never receives a
 * passphrase from the bindings either.
 */
public final class LibraryLog implements LibCryptsetup.LogCallback {
    public static final String LOGGER_NAME = "dev.guestcrypt.nativebind.cryptsetup";
    public static final LibraryLog INSTANCE = new LibraryLog();

    private static final System.Logger LOGGER = System.getLogger(LOGGER_NAME);
    private static final ThreadLocal<String> LAST_ERROR = new ThreadLocal<>();

    private LibraryLog() {}

    @Override
    public void invoke(int level, String message, Pointer usrptr) {
        try {
            String text = message == null ? "" : message.strip();
            if (level == LibCryptsetup.CRYPT_LOG_ERROR) {
                LAST_ERROR.set(text);
            }
            LOGGER.log(levelOf(level), text);
        } catch (RuntimeException | Error e) {
            // never let anything unwind into native code
        }
    }

    /** Forgets the remembered error; called before each library call. */
    public static void clearLastError() {
        LAST_ERROR.remove();
    }

    /** The last error message the library logged on this thread since {@link #clearLastError()}, or null. */
    public static String lastError() {
        return LAST_ERROR.get();
    }

    private static System.Logger.Level levelOf(int level) {
        switch (level) {
            case LibCryptsetup.CRYPT_LOG_ERROR:
                return System.Logger.Level.WARNING;
            case LibCryptsetup.CRYPT_LOG_NORMAL:
                return System.Logger.Level.INFO;
            case LibCryptsetup.CRYPT_LOG_VERBOSE:
                return System.Logger.Level.DEBUG;
            default:
                return System.Logger.Level.TRACE;
        }
    }
}
