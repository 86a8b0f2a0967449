package dev.guestcrypt.nativebind.luks;

import dev.guestcrypt.nativebind.jna.LibCryptsetup;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** Keyslots of one LUKS2 header. New keyslots use the handle's PBKDF ({@link LuksDevice#usePbkdf}). */
public final class Keyslots {
    private static final int EPERM = 1;
    private static final int ENOENT = 2;

    private final LuksDevice device;

    Keyslots(LuksDevice device) {
        this.device = device;
    }

    /** Adds {@code newPassphrase} in the first free slot, unlocking with {@code existing}; returns the slot. */
    public int addByPassphrase(SecretBytes existing, SecretBytes newPassphrase) {
        return addByPassphrase(LibCryptsetup.CRYPT_ANY_SLOT, existing, newPassphrase);
    }

    public int addByPassphrase(int slot, SecretBytes existing, SecretBytes newPassphrase) {
        requireSlotOrAny(slot);
        LuksDevice.requireSecret(existing, "existing passphrase");
        LuksDevice.requireSecret(newPassphrase, "new passphrase");
        device.requireNoPendingConversion("add a keyslot");
        Native.begin();
        return Native.check(device.lib().crypt_keyslot_add_by_passphrase(device.handle(), slot,
                existing.pointer(), existing.length(), newPassphrase.pointer(), newPassphrase.length()),
                "crypt_keyslot_add_by_passphrase", device.describe());
    }

    /**
     * Adds {@code newPassphrase} for the volume key: {@code volumeKey} null is allowed only right
     * after {@link LuksDevice#format} on the same handle. Returns the slot.
     */
    public int addByVolumeKey(SecretBytes volumeKey, SecretBytes newPassphrase) {
        return addByVolumeKey(LibCryptsetup.CRYPT_ANY_SLOT, volumeKey, newPassphrase);
    }

    public int addByVolumeKey(int slot, SecretBytes volumeKey, SecretBytes newPassphrase) {
        requireSlotOrAny(slot);
        LuksDevice.requireSecret(newPassphrase, "new passphrase");
        if (volumeKey != null) {
            LuksDevice.requireSecret(volumeKey, "volume key");
        }
        int keySize = volumeKey == null ? device.volumeKeySize() : volumeKey.length();
        Native.begin();
        return Native.check(device.lib().crypt_keyslot_add_by_volume_key(device.handle(), slot,
                volumeKey == null ? null : volumeKey.pointer(), keySize, newPassphrase.pointer(),
                newPassphrase.length()), "crypt_keyslot_add_by_volume_key", device.describe());
    }

    /** Checks {@code passphrase} without activating anything; returns the slot it opens. */
    public int verify(SecretBytes passphrase) {
        LuksDevice.requireSecret(passphrase, "passphrase");
        Native.begin();
        return Native.check(device.lib().crypt_activate_by_passphrase(device.handle(), null,
                LibCryptsetup.CRYPT_ANY_SLOT, passphrase.pointer(), passphrase.length(), 0),
                "crypt_activate_by_passphrase (verify)", device.describe());
    }

    /** The slot {@code passphrase} opens, or empty when it opens none. */
    public OptionalInt find(SecretBytes passphrase) {
        try {
            return OptionalInt.of(verify(passphrase));
        } catch (CryptsetupException e) {
            if (e.errno() == EPERM || e.errno() == ENOENT) {
                return OptionalInt.empty();
            }
            throw e;
        }
    }

    /** Replaces the passphrase of {@code oldSlot} (moving it to {@code newSlot}, or any); returns the slot. */
    public int change(int oldSlot, int newSlot, SecretBytes passphrase, SecretBytes newPassphrase) {
        requireSlotOrAny(oldSlot);
        requireSlotOrAny(newSlot);
        LuksDevice.requireSecret(passphrase, "passphrase");
        LuksDevice.requireSecret(newPassphrase, "new passphrase");
        Native.begin();
        return Native.check(device.lib().crypt_keyslot_change_by_passphrase(device.handle(), oldSlot, newSlot,
                passphrase.pointer(), passphrase.length(), newPassphrase.pointer(), newPassphrase.length()),
                "crypt_keyslot_change_by_passphrase", device.describe());
    }

    /**
     * Wipes keyslot {@code slot}. The library checks no passphrase, so this refuses to remove the
     * last keyslot that opens the data, and refuses while a re-encryption is pending.
     */
    public void destroy(int slot) {
        requireSlot(slot);
        KeyslotState state = state(slot);
        if (state == KeyslotState.INACTIVE) {
            throw new IllegalArgumentException("keyslot " + slot + " of " + device.describe()
                    + " is already empty; nothing to destroy");
        }
        if (state == KeyslotState.ACTIVE_LAST) {
            throw new IllegalStateException("keyslot " + slot + " is the last keyslot that opens "
                    + device.describe() + "; add another passphrase before destroying it");
        }
        device.requireNoPendingConversion("destroy a keyslot");
        Native.begin();
        Native.check(device.lib().crypt_keyslot_destroy(device.handle(), slot), "crypt_keyslot_destroy",
                device.describe());
    }

    public KeyslotState state(int slot) {
        requireSlot(slot);
        return KeyslotState.of(device.lib().crypt_keyslot_status(device.handle(), slot));
    }

    /** Every slot that is not empty, in slot order. */
    public List<Keyslot> list() {
        List<Keyslot> slots = new ArrayList<>();
        for (int slot = 0; slot < max(); slot++) {
            KeyslotState state = state(slot);
            if (state != KeyslotState.INACTIVE && state != KeyslotState.INVALID) {
                slots.add(new Keyslot(slot, state));
            }
        }
        return slots;
    }

    /** Number of keyslots LUKS2 has (32). */
    public int max() {
        return device.lib().crypt_keyslot_max(LibCryptsetup.CRYPT_LUKS2);
    }

    private void requireSlot(int slot) {
        if (slot < 0 || slot >= max()) {
            throw new IllegalArgumentException("keyslot " + slot + " is out of range; use 0.." + (max() - 1));
        }
    }

    private void requireSlotOrAny(int slot) {
        if (slot != LibCryptsetup.CRYPT_ANY_SLOT) {
            requireSlot(slot);
        }
    }
}
