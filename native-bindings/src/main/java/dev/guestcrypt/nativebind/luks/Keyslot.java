package dev.guestcrypt.nativebind.luks;

/** A keyslot number and its state. */
public record Keyslot(int slot, KeyslotState state) {}
