package dev.guestcrypt.nativebind.luks;

import com.sun.jna.ptr.PointerByReference;
import dev.guestcrypt.nativebind.jna.LibCryptsetup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** LUKS2 tokens: JSON objects with a "type" and a "keyslots" list, stored in the header. */
public final class Tokens {
    /** LUKS2 has 32 token ids. */
    public static final int MAX_TOKENS = 32;
    private static final int ENOENT = 2;
    private static final int EINVAL = 22;

    private final LuksDevice device;

    Tokens(LuksDevice device) {
        this.device = device;
    }

    /** Writes {@code json} in the first free token id; returns the id. */
    public int write(String json) {
        return write(LibCryptsetup.CRYPT_ANY_TOKEN, json);
    }

    /** Writes (or replaces) token {@code id}; returns the id. */
    public int write(int id, String json) {
        requireIdOrAny(id);
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("token JSON must be a non-empty object with \"type\" and"
                    + " \"keyslots\"; to delete a token use remove(id)");
        }
        device.requireNoPendingConversion("write a token");
        Native.begin();
        return Native.check(device.lib().crypt_token_json_set(device.handle(), id, json), "crypt_token_json_set",
                device.describe(), "the JSON needs a string \"type\" and a \"keyslots\" array of strings");
    }

    /** Token {@code id} as JSON, or empty when the id is unused. */
    public Optional<String> read(int id) {
        requireId(id);
        PointerByReference json = new PointerByReference();
        Native.begin();
        int rc = device.lib().crypt_token_json_get(device.handle(), id, json);
        if (rc == -ENOENT || rc == -EINVAL) {
            return Optional.empty();
        }
        Native.check(rc, "crypt_token_json_get", device.describe());
        return Optional.of(json.getValue().getString(0)); // library memory: copy now
    }

    public void remove(int id) {
        requireId(id);
        device.requireNoPendingConversion("remove a token");
        Native.begin();
        Native.check(device.lib().crypt_token_json_set(device.handle(), id, null), "crypt_token_json_set (remove)",
                device.describe());
    }

    /** Ids of every token present, in order. */
    public List<Integer> list() {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < MAX_TOKENS; id++) {
            int info = device.lib().crypt_token_status(device.handle(), id, null);
            if (info != LibCryptsetup.CRYPT_TOKEN_INVALID && info != LibCryptsetup.CRYPT_TOKEN_INACTIVE) {
                ids.add(id);
            }
        }
        return ids;
    }

    public void assign(int id, int keyslot) {
        requireId(id);
        device.requireNoPendingConversion("assign a token");
        Native.begin();
        Native.check(device.lib().crypt_token_assign_keyslot(device.handle(), id, keyslot),
                "crypt_token_assign_keyslot", device.describe());
    }

    public void unassign(int id, int keyslot) {
        requireId(id);
        device.requireNoPendingConversion("unassign a token");
        Native.begin();
        Native.check(device.lib().crypt_token_unassign_keyslot(device.handle(), id, keyslot),
                "crypt_token_unassign_keyslot", device.describe());
    }

    public boolean isAssigned(int id, int keyslot) {
        requireId(id);
        Native.begin();
        int rc = device.lib().crypt_token_is_assigned(device.handle(), id, keyslot);
        if (rc == -ENOENT) {
            return false;
        }
        Native.check(rc, "crypt_token_is_assigned", device.describe());
        return true;
    }

    private static void requireId(int id) {
        if (id < 0 || id >= MAX_TOKENS) {
            throw new IllegalArgumentException("token id " + id + " is out of range; use 0.." + (MAX_TOKENS - 1));
        }
    }

    private static void requireIdOrAny(int id) {
        if (id != LibCryptsetup.CRYPT_ANY_TOKEN) {
            requireId(id);
        }
    }
}
