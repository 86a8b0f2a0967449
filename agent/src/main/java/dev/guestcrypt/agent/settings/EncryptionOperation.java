package dev.guestcrypt.agent.settings;

import java.util.Arrays;
import java.util.Optional;

/** ADE's {@code EncryptionOperation} values. */
public enum EncryptionOperation {
    ENABLE_ENCRYPTION("EnableEncryption"),
    ENABLE_ENCRYPTION_FORMAT("EnableEncryptionFormat"),
    ENABLE_ENCRYPTION_FORMAT_ALL("EnableEncryptionFormatAll"),
    DISABLE_ENCRYPTION("DisableEncryption"),
    QUERY_ENCRYPTION_STATUS("QueryEncryptionStatus");

    private final String adeName;

    EncryptionOperation(String adeName) {
        this.adeName = adeName;
    }

    public String adeName() {
        return adeName;
    }

    public boolean enables() {
        return this == ENABLE_ENCRYPTION || this == ENABLE_ENCRYPTION_FORMAT || this == ENABLE_ENCRYPTION_FORMAT_ALL;
    }

    public static Optional<EncryptionOperation> fromAde(String text) {
        return Arrays.stream(values()).filter(o -> o.adeName.equalsIgnoreCase(text.trim())).findFirst();
    }
}
