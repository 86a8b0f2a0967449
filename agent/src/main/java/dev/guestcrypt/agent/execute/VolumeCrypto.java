package dev.guestcrypt.agent.execute;

import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.util.List;

/**
 * LUKS2 operations on one volume. Passphrases are handed over in memory, never by file or argv.
 * {@code luksPath} is where the header lives: the device itself, or a detached header file.
 * {@code header} is the detached header file, or null when the header is on the device.
 */
public interface VolumeCrypto {
    /**
     * Loads the LUKS2 library now rather than on first use, so that a missing library is reported
     * when the daemon starts and the first volume's offline window does not pay for loading it.
     */
    default void load() {}

    /** Where an operation puts the LUKS2 header, and so which header writing it rehearses. */
    enum HeaderKind {
        /** At the start of the device, the data shifted ({@link #initEncryptInPlace}). */
        IN_PLACE,
        /** In a file on the OS disk ({@link #initEncryptDetached}). */
        DETACHED,
        /** Over the whole device, its data erased ({@link #formatEncrypted}). */
        WHOLE_DEVICE
    }

    /**
     * Writes a header of {@code kind} carrying {@code tokenJson} onto a scratch file in memory, with
     * a throwaway passphrase, reads it back and deletes it, while the volume is still mounted and
     * untouched. A library, kernel-crypto or parameter problem is found here instead of after the
     * unmount, and the first real header write does not pay for any first use of the library code.
     * Throws {@code HEADER_REHEARSAL_FAILED}. {@code reduceBytes} as for {@link #initEncryptInPlace}.
     */
    default void rehearse(HeaderKind kind, long reduceBytes, String tokenJson) {}

    /** Whether {@code luksPath} carries a LUKS2 header with UUID {@code luksUuid}. */
    boolean hasLuksHeader(String luksPath, String luksUuid);

    /**
     * Puts a LUKS2 header at the start of {@code device} (the data shifted by {@code reduceBytes}),
     * keyslot 0 opened by {@code passphrase}, encryption initialised but not run. The file system
     * must be unmounted and at most {@code size - reduceBytes} long. {@code tokenJson} is written
     * into the new header before the pending encryption is recorded (LUKS2 refuses token changes
     * while an encryption is pending).
     */
    void initEncryptInPlace(String device, String luksUuid, long reduceBytes, SecretBytes passphrase, String tokenJson);

    /** Like {@link #initEncryptInPlace} with the header in the file {@code header} and no data shift. */
    void initEncryptDetached(String device, String header, String luksUuid, SecretBytes passphrase, String tokenJson);

    /**
     * Formats the whole {@code device} as LUKS2 (header at its start, its old data lost), keyslot
     * opened by {@code passphrase}, {@code tokenJson} in the header. When the device already carries
     * the complete header of {@code luksUuid} it does nothing; an incomplete one of that UUID (a
     * crash in the middle) is written again; any other LUKS header is refused.
     */
    void formatEncrypted(String device, String luksUuid, SecretBytes passphrase, String tokenJson);

    /** JSON of every token in the header. */
    List<String> tokens(String luksPath);

    /** Adds a token (its JSON names its keyslots); refused by LUKS2 while an encryption is pending. */
    void addToken(String luksPath, String tokenJson);

    void activate(String device, String header, String name, SecretBytes passphrase);

    boolean isActive(String name);

    /** Whether the header still records an unfinished encryption. */
    boolean reencryptionInProgress(String luksPath);

    /**
     * Runs (or resumes) the encryption online on the active mapping {@code name}. Returns true when
     * finished, false when stopped by the listener (resumable).
     */
    boolean runOnline(String device, String header, String name, SecretBytes passphrase, EncryptionProgress progress);

    /** Copies a (detached) header to {@code backupFile}, for recovery if the header file is lost. */
    void backupHeader(String luksPath, String backupFile);
}
