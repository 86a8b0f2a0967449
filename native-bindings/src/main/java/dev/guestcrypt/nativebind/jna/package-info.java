/**
 * Internal: the raw JNA mapping of {@code libcryptsetup.so.12} with C names, struct mirrors
 * checked against the C header by a test, and the log callback. Only
 * {@code dev.guestcrypt.nativebind.luks} uses it.
 */
package dev.guestcrypt.nativebind.jna;
