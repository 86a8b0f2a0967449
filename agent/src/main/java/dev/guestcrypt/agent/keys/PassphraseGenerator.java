package dev.guestcrypt.agent.keys;

import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Makes volume passphrases in ADE's form: random bytes, base64-encoded. The base64 text itself is
 * the LUKS keyfile, and the Key Vault secret value is base64 of that text, so a secret written by
 * guestcrypt opens the volume exactly as an ADE secret would (and the other way round).
 */
public final class PassphraseGenerator {
    /** ADE's choice: 127 random bytes, 172 base64 characters, about 1016 bits. */
    public static final int ADE_RANDOM_BYTES = 127;
    /** Below this the passphrase is weaker than the volume key it protects. */
    public static final int MIN_RANDOM_BYTES = 64;

    private final SecureRandom random;
    private final int randomBytes;

    public PassphraseGenerator(SecureRandom random, int randomBytes) {
        if (randomBytes < MIN_RANDOM_BYTES) {
            throw new IllegalArgumentException("a passphrase needs at least " + MIN_RANDOM_BYTES
                    + " random bytes, got " + randomBytes);
        }
        this.random = random;
        this.randomBytes = randomBytes;
    }

    /** ADE-sized passphrases from the platform's strong random source. */
    public static PassphraseGenerator strong() {
        try {
            return new PassphraseGenerator(SecureRandom.getInstanceStrong(), ADE_RANDOM_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM offers no strong SecureRandom", e);
        }
    }

    /** A new passphrase (the base64 text, as ASCII bytes); the caller closes it. */
    public SecretBytes generate() {
        byte[] raw = new byte[randomBytes];
        byte[] text = null;
        try {
            random.nextBytes(raw);
            text = Base64.getEncoder().encode(raw);
            return SecretBytes.takeFrom(text);
        } finally {
            Arrays.fill(raw, (byte) 0);
            if (text != null) {
                Arrays.fill(text, (byte) 0);
            }
        }
    }

    /** Length in bytes of the passphrases this generator makes. */
    public int passphraseLength() {
        return 4 * ((randomBytes + 2) / 3);
    }
}
