package dev.guestcrypt.nativebind.luks;

/** How a re-encryption run ended (failures throw {@link CryptsetupException}). */
public enum RunOutcome {
    /** The whole device is done; no re-encryption is pending. */
    FINISHED,
    /** The listener asked to stop; the state is CLEAN and a later run resumes. */
    STOPPED
}
