package dev.guestcrypt.agent.execute;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.inventory.BlockDevice;
import dev.guestcrypt.agent.inventory.Inventory;
import dev.guestcrypt.agent.inventory.LuksInfo;
import dev.guestcrypt.agent.inventory.TabFiles;
import dev.guestcrypt.agent.keys.KeyProtector;
import dev.guestcrypt.agent.keys.KeyTokenCodec;
import dev.guestcrypt.agent.keys.local.LocalKeyFileProtector;
import dev.guestcrypt.agent.os.TabFileBootConfig;
import dev.guestcrypt.agent.settings.EncryptionSettings;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A machine with one OS disk and one ext4 data disk, simulated just far enough to catch every way
 * the agent could lose data: mounting a raw device that has a LUKS header, shrinking a mounted
 * file system, writing a header over a file system that was not shrunk, encrypting with a key
 * that is not stored. Real parts: the fstab/crypttab editor and the local key-file protector.
 * A crash is injected after the N-th change to the machine ({@link Crash}), then {@link #reboot()}.
 */
public final class FakeMachine implements VolumeCrypto, FilesystemTool, Mounter, KeyStores {
    public static final String DEVICE = "/dev/vdb";
    public static final String FS_UUID = "3b2c7f4e-1111-4222-8333-944455556666";
    public static final long DEVICE_BYTES = 512L << 20;
    public static final String STABLE = "/dev/disk/by-id/virtio-data";

    /** Thrown to simulate power loss: an Error, so no catch (RuntimeException) in the agent sees it. */
    public static final class Crash extends Error {
        Crash(String where) {
            super("simulated crash after " + where);
        }
    }

    private final Path etc;
    private final Path keyDir;
    private final LocalKeyFileProtector keys;
    private final TabFileBootConfig boot;
    private final Map<String, String> mounts = new HashMap<>();
    private final Set<String> active = new HashSet<>();
    private final List<String> tokens = new ArrayList<>();
    private long fsBytes = DEVICE_BYTES;
    private String luksUuid;
    private boolean reencrypting;
    private long encryptedBytes;
    private int changes;
    private int crashAfter = -1;
    private boolean busy;
    private boolean fsckFails;
    /** resize2fs refuses a file system mounted since its last full check ("Please run e2fsck -f first"). */
    private boolean checkedSinceMount;
    private boolean initWithoutToken;
    private boolean bootUnlockFails;
    private boolean rehearsalFails;
    private final List<String> log = new ArrayList<>();
    private final String fsType;
    private final String dev;
    private String header;
    /** Format flow: the whole device was formatted as LUKS2 (the old file system is gone). */
    private boolean formatted;
    /** Format flow: the file system made on the mapping, or null before mkfs. */
    private String mappingFs;

    public FakeMachine(Path root) throws IOException {
        this(root, "ext4");
    }

    public FakeMachine(Path root, String fsType) throws IOException {
        this(root, fsType, DEVICE);
    }

    /** @param dev the volume's device, e.g. {@code /dev/mapper/vg-data} for an LVM volume */
    public FakeMachine(Path root, String fsType, String dev) throws IOException {
        this.dev = dev;
        this.fsType = fsType;
        this.etc = Files.createDirectories(root.resolve("etc"));
        this.keyDir = root.resolve("keys");
        this.keys = new LocalKeyFileProtector(keyDir);
        this.boot = new TabFileBootConfig(etc.resolve("fstab"), etc.resolve("crypttab"));
        Files.writeString(etc.resolve("fstab"), "# static file systems\nLABEL=root / ext4 defaults 0 1\nUUID=" + FS_UUID
                + " /data " + fsType + " defaults,noatime 0 2\n");
        Files.writeString(etc.resolve("crypttab"), "# <name> <device> <key> <options>\n");
        mounts.put("/data", dev);
    }

    public Path etc() {
        return etc;
    }

    public List<String> log() {
        return log;
    }

    public int changes() {
        return changes;
    }

    public void crashAfter(int n) {
        crashAfter = n;
        changes = 0;
    }

    public void setBusy(boolean busy) {
        this.busy = busy;
    }

    /** Headers written without the token, as an older agent did. */
    public void setInitWithoutToken(boolean without) {
        this.initWithoutToken = without;
    }

    /** The boot unit cannot reach the vault: mappings stay closed after {@link #reboot()}. */
    /** The header rehearsal on scratch files fails (e.g. the kernel crypto API refused by a sandbox). */
    public void setRehearsalFails(boolean fails) {
        this.rehearsalFails = fails;
    }

    public void setBootUnlockFails(boolean fails) {
        this.bootUnlockFails = fails;
    }

    public List<String> headerTokens() {
        return List.copyOf(tokens);
    }

    public void setFsckFails(boolean fails) {
        this.fsckFails = fails;
    }

    private void changed(String what) {
        log.add(what);
        changes++;
        if (crashAfter >= 0 && changes >= crashAfter) {
            crashAfter = -1;
            throw new Crash(what);
        }
    }

    /** Power back on: mappings gone; boot mounts what fstab and the unlock unit can (nofail lines may fail). */
    public void reboot() throws IOException {
        mounts.clear();
        active.clear();
        String fstab = Files.readString(etc.resolve("fstab"));
        for (var line : TabFiles.parseFstab(fstab)) {
            if (!line.file().equals("/data")) {
                continue;
            }
            if (line.spec().startsWith("/dev/mapper/")) {
                String name = line.spec().substring("/dev/mapper/".length());
                if (luksUuid != null && !tokens.isEmpty() && !bootUnlockFails && (header == null || Files.exists(Path.of(header)))) {
                    try (SecretBytes p = unlocking().unprotect(KeyTokenCodec.fromJson(tokens.get(0)))) {
                        active.add(name);
                    }
                    if (!formatted || mappingFs != null) {
                        mounts.put("/data", line.spec());
                    }
                }
            } else if (luksUuid == null) {
                mounts.put("/data", dev);
                checkedSinceMount = false;
            } else if (!line.hasOption("nofail")) {
                throw new AssertionError("boot would stop in the emergency shell: fstab mounts the raw device that now has a LUKS header");
            }
        }
    }

    public boolean fullyEncrypted() {
        return luksUuid != null && !reencrypting && encryptedBytes >= fsBytes;
    }

    public Optional<String> mountedFrom(String mountPoint) {
        return Optional.ofNullable(mounts.get(mountPoint));
    }

    public long fsBytes() {
        return fsBytes;
    }

    public String fstab() throws IOException {
        return Files.readString(etc.resolve("fstab"));
    }

    public String crypttab() throws IOException {
        return Files.readString(etc.resolve("crypttab"));
    }

    public String header() {
        return header;
    }

    public Ports ports() {
        return new Ports(this, new dev.guestcrypt.agent.keys.PassphraseGenerator(new java.security.SecureRandom(), 64), this, this, this,
                bootConfig(), "vm1", p -> p.equals(dev) ? STABLE : p, etc.getParent().resolve("headers").toString());
    }

    private String raw(String path) {
        return path.equals(STABLE) ? dev : path;
    }

    public long storedKeys() throws IOException {
        if (!Files.isDirectory(keyDir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(keyDir)) {
            return s.filter(p -> p.toString().endsWith(".key")).count();
        }
    }

    public Inventory inventory() {
        List<BlockDevice> devices = new ArrayList<>();
        devices.add(new BlockDevice("vda", "/dev/vda", "disk", 8L << 30, "", "", "", "254:0", List.of(), List.of(), "", false));
        devices.add(new BlockDevice("vda1", "/dev/vda1", "part", 8L << 30, "ext4", "root-uuid", "root", "254:1", List.of("/"),
                List.of("vda"), "", false));
        Map<String, LuksInfo> luks = new HashMap<>();
        if (luksUuid == null || header != null) {
            String fs = luksUuid == null || encryptedBytes == 0 ? fsType : "";
            devices.add(new BlockDevice("vdb", dev, "disk", DEVICE_BYTES, fs, fs.isEmpty() ? "" : FS_UUID, "", "254:16",
                    mounts.containsValue(dev) ? List.of("/data") : List.of(), List.of(), "", false));
            if (luksUuid != null) {
                luks.put("vdb", new LuksInfo(luksUuid, reencrypting, tokens.stream().findFirst(), header));
            }
        } else {
            devices.add(new BlockDevice("vdb", dev, "disk", DEVICE_BYTES, "crypto_LUKS", luksUuid, "", "254:16", List.of(), List.of(),
                    "", false));
            luks.put("vdb", new LuksInfo(luksUuid, reencrypting, tokens.stream().findFirst(), null));
            for (String name : active) {
                String path = "/dev/mapper/" + name;
                devices.add(new BlockDevice("dm-0", path, "crypt", DEVICE_BYTES - (16L << 20), mappedFs(), FS_UUID, "", "253:0",
                        mounts.containsValue(path) ? List.of("/data") : List.of(), List.of("vdb"), "", false));
            }
        }
        if (header != null) {
            for (String name : active) {
                String path = "/dev/mapper/" + name;
                devices.add(new BlockDevice("dm-0", path, "crypt", DEVICE_BYTES, fsType, FS_UUID, "", "253:0",
                        mounts.containsValue(path) ? List.of("/data") : List.of(), List.of("vdb"), "", false));
            }
        }
        try {
            return new Inventory(devices, List.of(), TabFiles.parseFstab(fstab()), TabFiles.parseCrypttab(crypttab()), Set.of(), luks,
                    Map.of("/data", 300L << 20));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String mappedFs() {
        return !formatted ? fsType : mappingFs == null ? "" : mappingFs;
    }

    public boolean formatted() {
        return formatted;
    }

    public Optional<String> mappingFileSystem() {
        return Optional.ofNullable(mappingFs);
    }

    public BootConfig bootConfig() {
        return new BootConfig() {
            @Override
            public void switchToEncrypted(BootSwitch change) {
                boot.switchToEncrypted(change);
                changed("boot config switched");
            }

            @Override
            public void revert(BootSwitch change, String originalSpec) {
                boot.revert(change, originalSpec);
                changed("boot config reverted");
            }
        };
    }

    // --- KeyStores: the real local key-file protector, crash after the key is stored ---
    @Override
    public KeyProtector store(EncryptionSettings settings) {
        return new KeyProtector() {
            @Override
            public String tokenType() {
                return keys.tokenType();
            }

            @Override
            public dev.guestcrypt.agent.keys.ProtectedKey protect(SecretBytes passphrase, dev.guestcrypt.agent.keys.VolumeIdentity volume) {
                var key = keys.protect(passphrase, volume);
                changed("key stored");
                return key;
            }

            @Override
            public SecretBytes unprotect(dev.guestcrypt.agent.keys.KeyToken token) {
                return keys.unprotect(token);
            }
        };
    }

    @Override
    public KeyProtector unlocking() {
        return keys;
    }

    // --- Mounter ---
    @Override
    public Optional<String> sourceAt(String mountPoint) {
        return mountedFrom(mountPoint);
    }

    @Override
    public void unmount(String mountPoint) {
        if (busy) {
            throw new AgentException(ExecuteError.VOLUME_BUSY, mountPoint + " is in use", "stop the programs using it");
        }
        mounts.remove(mountPoint);
        changed("unmounted " + mountPoint);
    }

    @Override
    public void mount(String source, String mountPoint, String fsType, String options) {
        source = raw(source);
        if (source.equals(dev) && luksUuid != null) {
            throw new AssertionError("mounting the raw device " + dev + " that carries a LUKS header: corruption");
        }
        if (source.startsWith("/dev/mapper/") && !active.contains(source.substring(12))) {
            throw new AgentException(ExecuteError.MOUNT_FAILED, source + " does not exist", "open it");
        }
        if (source.startsWith("/dev/mapper/") && formatted && mappingFs == null) {
            throw new AgentException(ExecuteError.MOUNT_FAILED, "wrong fs type on " + source, "make a file system");
        }
        if (options.contains("x-systemd") || !options.contains("noatime")) {
            throw new AssertionError("mounted with options '" + options + "' instead of the original ones");
        }
        mounts.put(mountPoint, source);
        if (source.equals(dev)) {
            checkedSinceMount = false;
        }
        changed("mounted " + source);
    }

    // --- FilesystemTool ---
    @Override
    public void check(String device) {
        requireRawUnmounted(device, "e2fsck");
        if (fsckFails) {
            throw new AgentException(ExecuteError.FILESYSTEM_CHECK_FAILED, "e2fsck found errors on " + device, "run e2fsck by hand");
        }
        checkedSinceMount = true;
        changed("checked");
    }

    @Override
    public long sizeBytes(String device) {
        requireRawUnmounted(device, "dumpe2fs");
        return fsBytes;
    }

    @Override
    public void shrink(String device, long newSizeBytes) {
        requireRawUnmounted(device, "resize2fs");
        requireCheckedSinceMount(device);
        fsBytes = newSizeBytes;
        changed("shrunk to " + newSizeBytes);
    }

    private void requireCheckedSinceMount(String device) {
        if (!checkedSinceMount) {
            throw new AgentException(ExecuteError.SHRINK_FAILED, "'resize2fs " + device + "' failed (exit 1): Please run 'e2fsck -f "
                    + device + "' first.", "check it first");
        }
    }

    @Override
    public void growToDevice(String device) {
        requireRawUnmounted(device, "resize2fs");
        requireCheckedSinceMount(device);
        fsBytes = DEVICE_BYTES;
        changed("grown");
    }

    @Override
    public String typeOn(String device) {
        if (device.startsWith("/dev/mapper/") && !device.equals(dev)) {
            if (!active.contains(device.substring(12))) {
                throw new AgentException(ExecuteError.COMMAND_FAILED, device + " does not exist", "open it");
            }
            return mappedFs();
        }
        return luksUuid == null ? fsType : "crypto_LUKS";
    }

    @Override
    public void make(String device, String type, String label) {
        if (!device.startsWith("/dev/mapper/") || device.equals(dev) || !active.contains(device.substring(12))) {
            throw new AssertionError("mkfs on " + device + " instead of the open encrypted mapping");
        }
        if (mounts.containsValue(device)) {
            throw new AssertionError("mkfs on mounted " + device);
        }
        if (mappingFs != null) {
            throw new AssertionError("mkfs over the file system already made on " + device + " (it may hold new data)");
        }
        if (!type.equals(fsType)) {
            throw new AssertionError("made " + type + " where the volume was " + fsType);
        }
        mappingFs = type;
        changed("made " + type);
    }

    private void requireRawUnmounted(String device, String tool) {
        device = raw(device);
        if (!fsType.startsWith("ext")) {
            throw new AssertionError(tool + " on a " + fsType + " volume");
        }
        if (luksUuid != null) {
            throw new AssertionError(tool + " on " + device + " after its LUKS header was written: corruption");
        }
        if (mounts.containsValue(device)) {
            throw new AssertionError(tool + " on mounted " + device);
        }
    }

    // --- VolumeCrypto ---
    @Override
    public void rehearse(HeaderKind kind, long reduceBytes, String tokenJson) {
        log.add("rehearsed " + kind);
        if (rehearsalFails) {
            throw new AgentException(ExecuteError.HEADER_REHEARSAL_FAILED, "writing a LUKS2 header on a scratch file failed", "check AF_ALG");
        }
    }

    @Override
    public boolean hasLuksHeader(String luksPath, String uuid) {
        if (header != null && !luksPath.equals(header)) {
            return false;
        }
        return uuid.equals(luksUuid);
    }

    @Override
    public void initEncryptInPlace(String device, String uuid, long reduceBytes, SecretBytes passphrase, String tokenJson) {
        if (mounts.containsValue(device)) {
            throw new AssertionError("LUKS header written on mounted " + device);
        }
        if (fsBytes > DEVICE_BYTES - reduceBytes) {
            throw new AssertionError("LUKS data shift over a file system of " + fsBytes + " bytes: the end of the data is lost");
        }
        requireStored(passphrase);
        luksUuid = uuid;
        reencrypting = true;
        if (!initWithoutToken) {
            tokens.add(tokenJson);
        }
        changed("luks initialised");
    }

    private void requireStored(SecretBytes passphrase) {
        try (Stream<Path> files = Files.list(keyDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                try (SecretBytes stored = SecretBytes.takeFrom(Files.readAllBytes(f))) {
                    if (stored.contentEquals(passphrase)) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("a passphrase that is not in the key store is used to encrypt");
    }

    @Override
    public void initEncryptDetached(String device, String headerFile, String uuid, SecretBytes passphrase, String tokenJson) {
        if (mounts.containsValue(raw(device))) {
            throw new AssertionError("LUKS header written for mounted " + device);
        }
        if (!device.equals(STABLE)) {
            throw new AssertionError("a detached volume must be named by a stable path, not " + device);
        }
        requireStored(passphrase);
        try {
            Files.createDirectories(Path.of(headerFile).getParent());
            Files.writeString(Path.of(headerFile), "LUKS2 header " + uuid);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        header = headerFile;
        luksUuid = uuid;
        reencrypting = true;
        tokens.add(tokenJson);
        changed("luks initialised (detached)");
    }

    @Override
    public void formatEncrypted(String device, String uuid, SecretBytes passphrase, String tokenJson) {
        if (mounts.containsValue(raw(device))) {
            throw new AssertionError("LUKS format of mounted " + device);
        }
        if (luksUuid != null && !luksUuid.equals(uuid)) {
            throw new AssertionError("LUKS format over another header: its keys are lost");
        }
        requireStored(passphrase);
        luksUuid = uuid;
        formatted = true;
        mappingFs = null;
        reencrypting = false;
        encryptedBytes = fsBytes;
        tokens.clear();
        tokens.add(tokenJson);
        changed("luks formatted");
    }

    @Override
    public void backupHeader(String luksPath, String backupFile) {
        try {
            Files.copy(Path.of(luksPath), Path.of(backupFile), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        changed("header backed up");
    }

    @Override
    public List<String> tokens(String device) {
        return List.copyOf(tokens);
    }

    @Override
    public void addToken(String device, String tokenJson) {
        if (reencrypting) {
            throw new AgentException(ExecuteError.LUKS_INIT_FAILED, "Operation incompatible with device marked for LUKS2 reencryption",
                    "as LUKS2 does");
        }
        tokens.add(tokenJson);
        changed("token added");
    }

    @Override
    public void activate(String device, String headerFile, String name, SecretBytes passphrase) {
        if (header != null && !header.equals(headerFile)) {
            throw new AssertionError("a detached volume opened without its header");
        }
        requireStored(passphrase);
        active.add(name);
        changed("activated " + name);
    }

    @Override
    public boolean isActive(String name) {
        return active.contains(name);
    }

    @Override
    public boolean reencryptionInProgress(String device) {
        return reencrypting;
    }

    @Override
    public boolean runOnline(String device, String headerFile, String name, SecretBytes passphrase, EncryptionProgress progress) {
        if (header != null && !header.equals(headerFile)) {
            throw new AssertionError("a detached volume encrypted without its header");
        }
        if (!active.contains(name)) {
            throw new AssertionError("online encryption without an active mapping");
        }
        requireStored(passphrase);
        long chunk = 64L << 20;
        while (encryptedBytes < fsBytes) {
            encryptedBytes = Math.min(fsBytes, encryptedBytes + chunk);
            changed("encrypted up to " + encryptedBytes);
            if (!progress.onProgress(encryptedBytes, fsBytes, 100.0 * (1 << 20))) {
                return false;
            }
        }
        reencrypting = false;
        changed("encryption finished");
        return true;
    }
}
