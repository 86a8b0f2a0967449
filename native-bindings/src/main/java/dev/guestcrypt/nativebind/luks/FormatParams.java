package dev.guestcrypt.nativebind.luks;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Everything {@code crypt_format} needs for a LUKS2 header, all set explicitly (the library would
 * otherwise pick 4096-byte sectors on files). Build with {@link #builder()}.
 *
 * @param cipher             e.g. "aes"
 * @param cipherMode         e.g. "xts-plain64"
 * @param keySizeBytes       volume key size: 64 for AES-256-XTS, 32 for AES-128-XTS
 * @param sectorSize         encryption sector size: 512, 1024, 2048 or 4096
 * @param uuid               the header UUID, or null to let the library generate one
 * @param label              LUKS2 label, or null
 * @param pbkdf              key derivation for keyslots added on this handle
 * @param dataOffsetBytes    where the data segment starts (multiple of 512), or 0 for the default
 * @param dataAlignmentBytes data alignment (multiple of 512), or 0 for the default
 * @param dataDevice         the data device when the header is detached, or null (the header file
 *                           must then exist with at least 4096 bytes; {@link LuksConversions} creates it)
 */
public record FormatParams(String cipher, String cipherMode, int keySizeBytes, int sectorSize, String uuid,
                           String label, Pbkdf pbkdf, long dataOffsetBytes, long dataAlignmentBytes,
                           Path dataDevice) {

    public FormatParams {
        require(cipher != null && !cipher.isBlank(), "cipher must be set, e.g. \"aes\"");
        require(cipherMode != null && !cipherMode.isBlank(), "cipher mode must be set, e.g. \"xts-plain64\"");
        require(keySizeBytes > 0 && keySizeBytes <= 128, "key size " + keySizeBytes
                + " bytes is invalid; use 64 for AES-256-XTS or 32 for AES-128-XTS");
        require(sectorSize == 512 || sectorSize == 1024 || sectorSize == 2048 || sectorSize == 4096,
                "sector size " + sectorSize + " is invalid; use 512, 1024, 2048 or 4096");
        if (uuid != null) {
            require(isCanonicalUuid(uuid), "UUID '" + uuid
                    + "' is not in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx; pass a valid UUID or null");
        }
        require(label == null || label.length() <= 47, "label is " + (label == null ? 0 : label.length())
                + " characters; LUKS2 labels hold at most 47");
        require(pbkdf != null, "PBKDF must be set; use Pbkdf.libraryDefault()");
        require(dataOffsetBytes >= 0 && dataOffsetBytes % 512 == 0, "data offset " + dataOffsetBytes
                + " bytes is invalid; use 0 (default) or a multiple of 512");
        require(dataAlignmentBytes >= 0 && dataAlignmentBytes % 512 == 0, "data alignment "
                + dataAlignmentBytes + " bytes is invalid; use 0 (default) or a multiple of 512");
        require(dataOffsetBytes % sectorSize == 0, "data offset " + dataOffsetBytes
                + " is not a multiple of the sector size " + sectorSize + "; align it");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().cipher(cipher, cipherMode).keySizeBytes(keySizeBytes).sectorSize(sectorSize)
                .uuid(uuid).label(label).pbkdf(pbkdf).dataOffsetBytes(dataOffsetBytes)
                .dataAlignmentBytes(dataAlignmentBytes).dataDevice(dataDevice);
    }

    private static boolean isCanonicalUuid(String text) {
        if (text.length() != 36) {
            return false;
        }
        try {
            return UUID.fromString(text).toString().equalsIgnoreCase(text);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Defaults: aes xts-plain64, 64-byte key, 512-byte sectors, generated UUID, library PBKDF. */
    public static final class Builder {
        private String cipher = "aes";
        private String cipherMode = "xts-plain64";
        private int keySizeBytes = 64;
        private int sectorSize = 512;
        private String uuid;
        private String label;
        private Pbkdf pbkdf = Pbkdf.libraryDefault();
        private long dataOffsetBytes;
        private long dataAlignmentBytes;
        private Path dataDevice;

        public Builder cipher(String cipher, String mode) {
            this.cipher = cipher;
            this.cipherMode = mode;
            return this;
        }

        public Builder keySizeBytes(int bytes) {
            this.keySizeBytes = bytes;
            return this;
        }

        public Builder sectorSize(int bytes) {
            this.sectorSize = bytes;
            return this;
        }

        public Builder uuid(String uuid) {
            this.uuid = uuid;
            return this;
        }

        public Builder label(String label) {
            this.label = label;
            return this;
        }

        public Builder pbkdf(Pbkdf pbkdf) {
            this.pbkdf = pbkdf;
            return this;
        }

        public Builder dataOffsetBytes(long bytes) {
            this.dataOffsetBytes = bytes;
            return this;
        }

        public Builder dataAlignmentBytes(long bytes) {
            this.dataAlignmentBytes = bytes;
            return this;
        }

        public Builder dataDevice(Path device) {
            this.dataDevice = device;
            return this;
        }

        public FormatParams build() {
            return new FormatParams(cipher, cipherMode, keySizeBytes, sectorSize, uuid, label, pbkdf,
                    dataOffsetBytes, dataAlignmentBytes, dataDevice);
        }
    }
}
