package dev.guestcrypt.nativebind.luks;

/** State of one keyslot ({@code crypt_keyslot_info}). */
public enum KeyslotState {
    INVALID, INACTIVE, ACTIVE, ACTIVE_LAST, UNBOUND;

    static KeyslotState of(int info) {
        KeyslotState[] all = values();
        return info >= 0 && info < all.length ? all[info] : INVALID;
    }

    /** Holds a key that opens the data segment. */
    public boolean opensData() {
        return this == ACTIVE || this == ACTIVE_LAST;
    }
}
