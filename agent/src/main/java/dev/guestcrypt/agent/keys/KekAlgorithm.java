package dev.guestcrypt.agent.keys;

import java.util.Arrays;
import java.util.Optional;

/** Key-encryption-key wrap algorithms, by their Key Vault / JWA names (the ones ADE accepts). */
public enum KekAlgorithm {
    RSA_OAEP("RSA-OAEP"),
    RSA_OAEP_256("RSA-OAEP-256"),
    RSA1_5("RSA1_5");

    private final String wireName;

    KekAlgorithm(String wireName) {
        this.wireName = wireName;
    }

    /** The name Key Vault, ADE settings and the token use, e.g. {@code RSA-OAEP}. */
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name, case-insensitively (ADE settings are not consistent about case). */
    public static Optional<KekAlgorithm> fromWireName(String name) {
        return Arrays.stream(values()).filter(a -> a.wireName.equalsIgnoreCase(name)).findFirst();
    }
}
