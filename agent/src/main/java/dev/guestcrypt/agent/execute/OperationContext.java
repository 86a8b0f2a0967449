package dev.guestcrypt.agent.execute;

import dev.guestcrypt.agent.keys.KeyToken;
import dev.guestcrypt.agent.keys.KeyTokenCodec;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The state of one running operation: its journaled data (what earlier steps decided), the
 * current device path, and the passphrase once known (held only in {@link SecretBytes}).
 */
public final class OperationContext implements AutoCloseable {
    public static final String DEVICE = "device";
    public static final String MOUNT_POINT = "mountPoint";
    public static final String FS_TYPE = "fsType";
    public static final String MAPPER_NAME = "mapperName";
    public static final String LUKS_UUID = "luksUuid";
    public static final String FSTAB_SPEC = "fstabSpec";
    public static final String FSTAB_OPTIONS = "fstabOptions";
    public static final String FSTAB_PASSNO = "fstabPassno";
    public static final String TOKEN = "token";
    public static final String KEY_REFERENCE = "keyReference";
    public static final String FS_SIZE_BEFORE = "fsSizeBefore";
    public static final String FS_SIZE_AFTER = "fsSizeAfter";
    public static final String SEQUENCE = "sequence";
    /** Detached header file (xfs volumes), absent when the header is on the device. */
    public static final String HEADER = "header";
    /** {@code in-place} or {@code detached}: which step sequence the operation follows. */
    public static final String KIND = "kind";
    public static final String KIND_IN_PLACE = "in-place";
    public static final String KIND_DETACHED = "detached";
    /** A disposable volume formatted encrypted (its data is erased). */
    public static final String KIND_FORMAT = "format";
    /** File-system label to give the new file system of the format flow (empty for none). */
    public static final String LABEL = "label";

    private final String operation;
    private final String volumeKey;
    private final Ports ports;
    private final ProgressSink progress;
    private final BooleanSupplier stopRequested;
    private final Map<String, String> data;
    private final Map<String, String> produced = new HashMap<>();
    private String device;
    private SecretBytes passphrase;
    private dev.guestcrypt.agent.keys.KeyProtector store;

    public OperationContext(String operation, String volumeKey, String device, Map<String, String> data, Ports ports,
                            ProgressSink progress, BooleanSupplier stopRequested) {
        this.operation = operation;
        this.volumeKey = volumeKey;
        this.device = device;
        this.data = new HashMap<>(data);
        this.ports = ports;
        this.progress = progress;
        this.stopRequested = stopRequested;
    }

    public String operation() {
        return operation;
    }

    public String volumeKey() {
        return volumeKey;
    }

    public Ports ports() {
        return ports;
    }

    public ProgressSink progress() {
        return progress;
    }

    public boolean stopRequested() {
        return stopRequested.getAsBoolean();
    }

    public String device() {
        return device;
    }

    public String get(String key) {
        String value = data.get(key);
        if (value == null) {
            throw new IllegalStateException("the journal of operation " + operation + " has no '" + key + "'");
        }
        return value;
    }

    public String getOr(String key, String fallback) {
        return data.getOrDefault(key, fallback);
    }

    /** Records a value to journal with the current step. */
    public void put(String key, String value) {
        data.put(key, value);
        produced.put(key, value);
    }

    /** Values set by the step that just ran; cleared when read. */
    Map<String, String> takeProduced() {
        Map<String, String> copy = Map.copyOf(produced);
        produced.clear();
        return copy;
    }

    /** The protector that stores this operation's new passphrase; set when the operation starts. */
    public dev.guestcrypt.agent.keys.KeyProtector store() {
        if (store == null) {
            throw new IllegalStateException("operation " + operation + " has no key store: it must start again");
        }
        return store;
    }

    public void setStore(dev.guestcrypt.agent.keys.KeyProtector protector) {
        this.store = protector;
    }

    /** The detached header file, or null when the header is on the device. */
    public String header() {
        return data.get(HEADER);
    }

    /** Where the LUKS2 header lives: the header file, or the device. */
    public String luksPath() {
        return header() != null ? header() : device;
    }

    public String mapperPath() {
        return "/dev/mapper/" + get(MAPPER_NAME);
    }

    /** Takes ownership of a freshly made passphrase. */
    public void setPassphrase(SecretBytes secret) {
        if (passphrase != null) {
            passphrase.close();
        }
        passphrase = secret;
    }

    /** The passphrase: in memory, or fetched back through the token recorded in the journal. */
    public SecretBytes passphrase() {
        if (passphrase == null) {
            KeyToken token = KeyTokenCodec.fromJson(get(TOKEN));
            passphrase = ports.keys().unlocking().unprotect(token);
        }
        return passphrase;
    }

    @Override
    public void close() {
        if (passphrase != null) {
            passphrase.close();
            passphrase = null;
        }
    }
}
