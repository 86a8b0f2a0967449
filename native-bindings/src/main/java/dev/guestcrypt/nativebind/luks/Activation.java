package dev.guestcrypt.nativebind.luks;

import dev.guestcrypt.nativebind.jna.LibCryptsetup;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.util.Set;

/** Device-mapper mappings (/dev/mapper/NAME) of the device. Needs the dm_crypt kernel module. */
public final class Activation {
    private static final String NO_DM_HINT = "device-mapper may be unavailable: load the dm_mod and dm_crypt"
            + " kernel modules and run as root";

    private final LuksDevice device;

    Activation(LuksDevice device) {
        this.device = device;
    }

    /** Maps the device as /dev/mapper/{@code name}; returns the keyslot that opened. */
    public int activate(String name, SecretBytes passphrase, Set<ActivationFlag> flags) {
        requireName(name);
        LuksDevice.requireSecret(passphrase, "passphrase");
        Native.begin();
        return Native.check(device.lib().crypt_activate_by_passphrase(device.handle(), name,
                LibCryptsetup.CRYPT_ANY_SLOT, passphrase.pointer(), passphrase.length(),
                ActivationFlag.bits(flags == null ? Set.of() : flags)),
                "crypt_activate_by_passphrase", device.describe() + " as " + name, NO_DM_HINT);
    }

    public void deactivate(String name) {
        requireName(name);
        Native.begin();
        Native.check(device.lib().crypt_deactivate(device.handle(), name), "crypt_deactivate", name, NO_DM_HINT);
    }

    public MappingStatus status(String name) {
        requireName(name);
        Native.begin();
        return decode(device.lib().crypt_status(device.handle(), name), name);
    }

    /** The state of /dev/mapper/{@code name}, whatever device it maps (no header is read). */
    public static MappingStatus statusOf(String name) {
        requireName(name);
        Native.begin();
        return decode(Native.lib().crypt_status(null, name), name);
    }

    private static MappingStatus decode(int info, String name) {
        switch (info) {
            case LibCryptsetup.CRYPT_INACTIVE:
                return MappingStatus.INACTIVE;
            case LibCryptsetup.CRYPT_ACTIVE:
                return MappingStatus.ACTIVE;
            case LibCryptsetup.CRYPT_BUSY:
                return MappingStatus.BUSY;
            default:
                throw new CryptsetupException("crypt_status", name, 0, "status of mapping '" + name
                        + "' is unknown; " + NO_DM_HINT);
        }
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank() || name.contains("/") || name.length() > 127) {
            throw new IllegalArgumentException("mapping name '" + name
                    + "' is invalid; use 1-127 characters without '/', e.g. \"data0-crypt\"");
        }
    }
}
