/**
 * The typed LUKS2 API over libcryptsetup 2.6: the only native surface the agent uses.
 *
 * <ul>
 *   <li>{@link dev.guestcrypt.nativebind.luks.LuksDevice}: one handle; format, header facts,
 *       header backup/restore, and the facets {@code keyslots()}, {@code tokens()},
 *       {@code activation()}, {@code reencryption()}.</li>
 *   <li>{@link dev.guestcrypt.nativebind.luks.LuksConversions}: encrypt in place (header at the
 *       head, data shifted), encrypt with a detached header, decrypt, re-key. Each is an
 *       idempotent {@code init...} that records the work in the header, then
 *       {@code resume(...)}, offline or online through an active mapping, stoppable through the
 *       {@link dev.guestcrypt.nativebind.luks.ProgressListener} and safe to repeat after a
 *       crash (it recovers first when needed).</li>
 *   <li>Failures of the library are {@link dev.guestcrypt.nativebind.luks.CryptsetupException}
 *       (operation, device, errno and symbol, the library's message); bad arguments are
 *       {@link java.lang.IllegalArgumentException} and refusals in the wrong state
 *       {@link java.lang.IllegalStateException}, each naming the value and the fix.</li>
 * </ul>
 *
 * <p>Key material goes in and out only as {@link dev.guestcrypt.nativebind.secret.SecretBytes}
 * and is handed to the library by address. Sizes are in bytes throughout this package (the C API
 * uses 512-byte sectors in places; the conversion happens here).
 */
package dev.guestcrypt.nativebind.luks;
