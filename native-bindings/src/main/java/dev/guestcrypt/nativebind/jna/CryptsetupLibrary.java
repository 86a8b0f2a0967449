package dev.guestcrypt.nativebind.jna;

import com.sun.jna.Native;

/** Loads {@code libcryptsetup.so.12} once and installs the handle-less log callback. */
public final class CryptsetupLibrary {
    private static volatile LibCryptsetup instance;

    private CryptsetupLibrary() {}

    /** @throws UnsatisfiedLinkError when the library is not installed */
    public static LibCryptsetup get() {
        LibCryptsetup lib = instance;
        if (lib == null) {
            synchronized (CryptsetupLibrary.class) {
                lib = instance;
                if (lib == null) {
                    lib = Native.load(LibCryptsetup.LIBRARY_NAME, LibCryptsetup.class);
                    // Messages without a handle would otherwise go to stderr.
                    lib.crypt_set_log_callback(null, LibraryLog.INSTANCE, null);
                    instance = lib;
                }
            }
        }
        return lib;
    }
}
