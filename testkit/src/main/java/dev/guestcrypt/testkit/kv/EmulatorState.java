package dev.guestcrypt.testkit.kv;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the emulator remembers: CA, vaults with their secrets and keys, identities and
 * permissions. Plain fields for Jackson; saved atomically after each change so a vault outlives
 * an emulator (and VM) restart. Guarded by the emulator's lock.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class EmulatorState {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public String caCertificate;
    public String caPrivateKey;
    public String tokenSigningKey;
    public String tenantId;
    /** By vault host name without port, lower case, e.g. {@code kv1.vault.azure.net}. */
    public Map<String, Vault> vaults = new TreeMap<>();
    /** By object id. */
    public Map<String, IdentityRecord> identities = new TreeMap<>();

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class Vault {
        public Map<String, Item<SecretVersion>> secrets = new TreeMap<>();
        public Map<String, Item<KeyVersion>> keys = new TreeMap<>();
        /** Object id to allowed operations ({@code secrets/get}, {@code keys/wrapKey}...); absent means all. */
        public Map<String, List<String>> permissions = new TreeMap<>();
    }

    /** A named secret or key: its versions, oldest first, and whether it sits in the deleted bin. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class Item<V> {
        public List<V> versions = new ArrayList<>();
        public Long deletedDate;

        public V latest() {
            return versions.isEmpty() ? null : versions.get(versions.size() - 1);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class SecretVersion {
        public String version;
        public String value;
        public String contentType;
        public Map<String, String> tags = new LinkedHashMap<>();
        public boolean enabled = true;
        public long created;
        public long updated;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class KeyVersion {
        public String version;
        public String kty = "RSA";
        public int keySize;
        public List<String> keyOps = new ArrayList<>();
        /** Base64 PKCS#8. */
        public String privateKey;
        /** Base64 X.509 SubjectPublicKeyInfo. */
        public String publicKey;
        public Map<String, String> tags = new LinkedHashMap<>();
        public boolean enabled = true;
        public long created;
        public long updated;
    }

    /** A managed identity or a service principal the emulator issues tokens to. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class IdentityRecord {
        /** {@code system}, {@code user} or {@code app}. */
        public String kind;
        public String objectId;
        public String clientId;
        public String resourceId;
        /** Service principal client secret, if it has one. */
        public String clientSecret;
        /** Service principal certificate, base64 DER, if it has one. */
        public String certificate;
    }

    public static EmulatorState load(Path file) throws IOException {
        return JSON.readValue(file.toFile(), EmulatorState.class);
    }

    /** Writes to a temporary file, fsyncs and renames over {@code file}. */
    public void save(Path file) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] bytes = JSON.writeValueAsBytes(this);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
