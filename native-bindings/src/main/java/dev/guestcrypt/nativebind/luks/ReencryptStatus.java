package dev.guestcrypt.nativebind.luks;

/** Re-encryption state stored in the LUKS2 header. */
public enum ReencryptStatus {
    /** No re-encryption in progress. */
    NONE,
    /** In progress and consistent: resume with a run. */
    CLEAN,
    /** Interrupted inside a hotzone: {@code recover} first, then resume. */
    CRASH,
    /** The metadata is not usable for re-encryption. */
    INVALID
}
