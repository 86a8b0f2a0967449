package dev.guestcrypt.agent.execute;

import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.util.List;

/** LUKS2 operations on one volume. Passphrases are handed over in memory, never by file or argv. */
public interface VolumeCrypto {
    /** Whether {@code device} carries a LUKS2 header with UUID {@code luksUuid}. */
    boolean hasLuksHeader(String device, String luksUuid);

    /**
     * Puts a LUKS2 header at the start of {@code device} (the data shifted by {@code reduceBytes}),
     * keyslot 0 opened by {@code passphrase}, encryption initialised but not run. The file system
     * must be unmounted and at most {@code size - reduceBytes} long.
     */
    void initEncryptInPlace(String device, String luksUuid, long reduceBytes, SecretBytes passphrase);

    /** JSON of every token in the header. */
    List<String> tokens(String device);

    /** Adds a token (its JSON names its keyslots). */
    void addToken(String device, String tokenJson);

    void activate(String device, String name, SecretBytes passphrase);

    boolean isActive(String name);

    /** Whether the header still records an unfinished encryption. */
    boolean reencryptionInProgress(String device);

    /**
     * Runs (or resumes) the encryption online on the active mapping {@code name}. Returns true when
     * finished, false when stopped by the listener (resumable).
     */
    boolean runOnline(String device, String name, SecretBytes passphrase, EncryptionProgress progress);
}
