package dev.guestcrypt.agent.status;

/** A data volume's encryption state, named as ADE names it in status. */
public enum VolumeState {
    NOT_ENCRYPTED("NotEncrypted"),
    ENCRYPTION_IN_PROGRESS("EncryptionInProgress"),
    ENCRYPTED("Encrypted"),
    ENCRYPTION_FAILED("EncryptionFailed"),
    NOT_MOUNTED("NotMounted"),
    /** Encrypted, but not open: its key could not be fetched yet (the daemon keeps trying). */
    LOCKED("Locked");

    private final String adeName;

    VolumeState(String adeName) {
        this.adeName = adeName;
    }

    public String adeName() {
        return adeName;
    }
}
