package dev.guestcrypt.nativebind.luks;

/**
 * The pending conversion as the header records it.
 *
 * @param status         NONE, CLEAN, CRASH or INVALID
 * @param mode           what is pending; null when the status is NONE
 * @param resilience     the library's resilience name, e.g. "checksum", "datashift"; null when none
 * @param dataShiftBytes the data shift of an in-place conversion, 0 otherwise
 * @param repairNeeded   the metadata itself needs {@code cryptsetup repair} before anything else
 */
public record ReencryptInfo(ReencryptStatus status, Mode mode, String resilience, long dataShiftBytes,
                            boolean repairNeeded) {
    /** Kind of conversion. */
    public enum Mode { REENCRYPT, ENCRYPT, DECRYPT }
}
