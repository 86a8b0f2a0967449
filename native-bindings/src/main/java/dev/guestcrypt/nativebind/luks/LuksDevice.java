package dev.guestcrypt.nativebind.luks;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.guestcrypt.nativebind.jna.CryptParamsLuks2;
import dev.guestcrypt.nativebind.jna.CryptPbkdfType;
import dev.guestcrypt.nativebind.jna.LibC;
import dev.guestcrypt.nativebind.jna.LibCryptsetup;
import dev.guestcrypt.nativebind.jna.LibraryLog;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One libcryptsetup device handle on a LUKS2 device or image file, with its header either at the
 * head of the device or in a separate file. Not thread-safe: one handle per thread. Close it to
 * free the handle.
 */
public final class LuksDevice implements AutoCloseable {
    private final LibCryptsetup lib;
    private final Path headerDevice;
    private final Path dataDevice;
    private Pointer cd;

    private LuksDevice(LibCryptsetup lib, Pointer cd, Path headerDevice, Path dataDevice) {
        this.lib = lib;
        this.cd = cd;
        this.headerDevice = headerDevice;
        this.dataDevice = dataDevice;
        lib.crypt_set_log_callback(cd, LibraryLog.INSTANCE, null);
    }

    /** Opens the LUKS2 header at the head of {@code device}. */
    public static LuksDevice open(Path device) {
        LuksDevice handle = init(device);
        handle.load();
        return handle;
    }

    /** A handle on {@code device} without loading a header: the start for {@link #format}. */
    public static LuksDevice init(Path device) {
        requirePath(device, "device");
        LibCryptsetup lib = Native.lib();
        PointerByReference ref = new PointerByReference();
        Native.begin();
        Native.check(lib.crypt_init(ref, device.toString()), "crypt_init", device.toString(),
                Files.exists(device) ? null : "the path does not exist; pass an existing device or image file");
        return new LuksDevice(lib, ref.getValue(), device, device);
    }

    /** Opens a detached LUKS2 header file that describes the data on {@code data}. */
    public static LuksDevice openDetached(Path header, Path data) {
        requirePath(header, "header file");
        requirePath(data, "data device");
        LibCryptsetup lib = Native.lib();
        PointerByReference ref = new PointerByReference();
        Native.begin();
        Native.check(lib.crypt_init_data_device(ref, header.toString(), data.toString()),
                "crypt_init_data_device", header + " (data " + data + ")");
        LuksDevice handle = new LuksDevice(lib, ref.getValue(), header, data);
        handle.load();
        return handle;
    }

    /**
     * Loads libcryptsetup now (it is otherwise loaded on first use) and lays out the parameter
     * structures once (JNA computes each layout by reflection on first use), so that a volume's
     * first header write does not pay for either.
     *
     * @throws CryptsetupUnavailableException when the library is not installed
     */
    public static void loadLibrary() {
        Native.lib();
        new dev.guestcrypt.nativebind.jna.CryptParamsReencrypt().size();
        new dev.guestcrypt.nativebind.jna.CryptParamsLuks2().size();
        new dev.guestcrypt.nativebind.jna.CryptPbkdfType().size();
    }

    /** True when {@code device} carries a LUKS2 header the library can load. */
    public static boolean isLuks2(Path device) {
        if (device == null || !Files.exists(device)) {
            return false;
        }
        try (LuksDevice handle = init(device)) {
            Native.begin();
            return handle.lib.crypt_load(handle.cd, LibCryptsetup.CRYPT_LUKS2, null) >= 0;
        }
    }

    /** "LUKS1"/"LUKS2" when {@code path} holds a LUKS header of any version, else null. */
    private static String existingLuksType(Path path) {
        if (!Files.exists(path)) {
            return null;
        }
        LibCryptsetup lib = Native.lib();
        PointerByReference ref = new PointerByReference();
        Native.begin();
        if (lib.crypt_init(ref, path.toString()) < 0) {
            return null;
        }
        Pointer probe = ref.getValue();
        try {
            lib.crypt_set_log_callback(probe, LibraryLog.INSTANCE, null);
            return lib.crypt_load(probe, null, null) >= 0 ? lib.crypt_get_type(probe) : null;
        } finally {
            lib.crypt_free(probe);
        }
    }

    private void load() {
        Native.begin();
        try {
            Native.check(lib.crypt_load(handle(), LibCryptsetup.CRYPT_LUKS2, null), "crypt_load", describe(),
                    "no valid LUKS2 header; check the path or restore a header backup");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Writes a new LUKS2 header. With {@code volumeKey} null the library generates the key. No
     * keyslot is added: follow with {@code keyslots().addByVolumeKey(...)}. Refuses a device that
     * already carries a LUKS header: formatting over it would lose its keys for good.
     */
    public void format(FormatParams params, SecretBytes volumeKey) {
        if (params == null) {
            throw new IllegalArgumentException("format parameters must be set; use FormatParams.builder()");
        }
        if (volumeKey != null && volumeKey.length() != params.keySizeBytes()) {
            throw new IllegalArgumentException("volume key is " + volumeKey.length() + " bytes but the key size is "
                    + params.keySizeBytes() + "; pass a key of the configured size");
        }
        String existing = existingLuksType(headerDevice);
        if (existing != null) {
            throw new IllegalStateException(headerDevice + " already carries a " + existing + " header;"
                    + " formatting would destroy its keys. Back it up and wipe it deliberately first, or pick"
                    + " another device");
        }
        usePbkdf(params.pbkdf());
        Native.begin();
        if (params.dataOffsetBytes() > 0) {
            Native.check(lib.crypt_set_data_offset(handle(), params.dataOffsetBytes() / 512),
                    "crypt_set_data_offset", describe());
        }
        CryptParamsLuks2 luks2 = luks2Params(params.sectorSize(), params.dataDevice(), params.label());
        luks2.data_alignment = params.dataAlignmentBytes() / 512;
        luks2.write();
        Native.begin();
        Native.check(lib.crypt_format(handle(), LibCryptsetup.CRYPT_LUKS2, params.cipher(), params.cipherMode(),
                params.uuid(), volumeKey == null ? null : volumeKey.pointer(), params.keySizeBytes(), luks2),
                "crypt_format", describe());
        Reference.reachabilityFence(luks2);
    }

    /** Key derivation used for keyslots added through this handle from now on. */
    public void usePbkdf(Pbkdf pbkdf) {
        if (pbkdf == null) {
            throw new IllegalArgumentException("PBKDF must be set; use Pbkdf.libraryDefault()");
        }
        CryptPbkdfType pbkdfNative = pbkdf.isLibraryDefault() ? null : pbkdfStruct(pbkdf);
        Native.begin();
        Native.check(lib.crypt_set_pbkdf_type(handle(), pbkdfNative), "crypt_set_pbkdf_type", describe());
        Reference.reachabilityFence(pbkdfNative);
    }

    public Keyslots keyslots() {
        return new Keyslots(this);
    }

    public Tokens tokens() {
        return new Tokens(this);
    }

    public Activation activation() {
        return new Activation(this);
    }

    public Reencryption reencryption() {
        return new Reencryption(this);
    }

    public String uuid() {
        return lib.crypt_get_uuid(handle());
    }

    public String cipher() {
        return lib.crypt_get_cipher(handle());
    }

    public String cipherMode() {
        return lib.crypt_get_cipher_mode(handle());
    }

    public int sectorSize() {
        return lib.crypt_get_sector_size(handle());
    }

    /** Where the data segment starts on the data device, in bytes. */
    public long dataOffsetBytes() {
        return lib.crypt_get_data_offset(handle()) * 512;
    }

    /** Size of the data device in bytes (the whole file or block device). */
    public long deviceSizeBytes() {
        long size = LibC.sizeOf(dataDevice.toString());
        if (size < 0) {
            throw new CryptsetupException("lseek", dataDevice.toString(), (int) -size, null);
        }
        return size;
    }

    public int volumeKeySize() {
        return Native.check(lib.crypt_get_volume_key_size(handle()), "crypt_get_volume_key_size", describe());
    }

    /**
     * The volume key unlocked by {@code passphrase}, as a new secret the caller closes. For
     * verification and escrow; never log or store it outside {@link SecretBytes}.
     */
    public SecretBytes volumeKey(SecretBytes passphrase) {
        return volumeKey(LibCryptsetup.CRYPT_ANY_SLOT, passphrase);
    }

    /** The volume key held by keyslot {@code slot}, which {@code passphrase} unlocks. */
    public SecretBytes volumeKey(int slot, SecretBytes passphrase) {
        requireSecret(passphrase, "passphrase");
        int size = volumeKeySize();
        SecretBytes key = SecretBytes.allocate(Math.max(size, 1) * 2);
        LongByReference length = new LongByReference(key.length());
        try {
            Native.begin();
            Native.check(lib.crypt_volume_key_get(handle(), slot, key.pointer(), length, passphrase.pointer(),
                    passphrase.length()), "crypt_volume_key_get", describe());
            SecretBytes exact = SecretBytes.allocate((int) length.getValue());
            for (int i = 0; i < exact.length(); i++) {
                exact.pointer().setByte(i, key.pointer().getByte(i));
            }
            return exact;
        } finally {
            key.close();
        }
    }

    /** Writes a copy of the header to {@code backupFile}, which must not exist yet (created mode 0400). */
    public void headerBackup(Path backupFile) {
        requirePath(backupFile, "backup file");
        if (Files.exists(backupFile)) {
            throw new IllegalArgumentException("header backup file " + backupFile
                    + " already exists; choose a new path or remove the old file first");
        }
        Native.begin();
        Native.check(lib.crypt_header_backup(handle(), LibCryptsetup.CRYPT_LUKS2, backupFile.toString()),
                "crypt_header_backup", describe());
    }

    /** Replaces the header on the device with the one in {@code backupFile}; the handle is reloaded. */
    public void headerRestore(Path backupFile) {
        requirePath(backupFile, "backup file");
        if (!Files.isRegularFile(backupFile)) {
            throw new IllegalArgumentException("header backup file " + backupFile
                    + " does not exist; pass the path of a file written by headerBackup");
        }
        Native.begin();
        Native.check(lib.crypt_header_restore(handle(), LibCryptsetup.CRYPT_LUKS2, backupFile.toString()),
                "crypt_header_restore", describe());
    }

    /** The file or device holding the header. */
    public Path headerDevice() {
        return headerDevice;
    }

    /** The file or device holding the data (same as the header device unless detached). */
    public Path dataDevice() {
        return dataDevice;
    }

    public boolean isDetached() {
        return !headerDevice.equals(dataDevice);
    }

    @Override
    public void close() {
        if (cd != null) {
            lib.crypt_free(cd);
            cd = null;
        }
    }

    // ---- for the facets in this package ----

    LibCryptsetup lib() {
        return lib;
    }

    Pointer handle() {
        if (cd == null) {
            throw new IllegalStateException("LUKS device handle for " + headerDevice + " is already closed");
        }
        return cd;
    }

    String describe() {
        return isDetached() ? headerDevice + " (data " + dataDevice + ")" : headerDevice.toString();
    }

    /** The library refuses (or, for destroy, wrongly allows) header changes while a conversion is pending. */
    void requireNoPendingConversion(String action) {
        ReencryptStatus status = reencryption().status();
        if (status != ReencryptStatus.NONE) {
            throw new IllegalStateException("cannot " + action + " on " + describe() + ": a conversion is pending ("
                    + status + "); do it before the conversion starts or after it finished");
        }
    }

    static CryptParamsLuks2.ByReference luks2Params(int sectorSize, Path dataDevice, String label) {
        CryptParamsLuks2.ByReference luks2 = new CryptParamsLuks2.ByReference();
        luks2.sector_size = sectorSize;
        luks2.data_device = dataDevice == null ? null : dataDevice.toString();
        luks2.label = label;
        return luks2;
    }

    static CryptPbkdfType pbkdfStruct(Pbkdf pbkdf) {
        CryptPbkdfType.ByReference s = new CryptPbkdfType.ByReference();
        s.type = pbkdf.type();
        s.hash = pbkdf.hash();
        s.time_ms = pbkdf.timeMs();
        s.iterations = pbkdf.iterations();
        s.max_memory_kb = pbkdf.maxMemoryKb();
        s.parallel_threads = pbkdf.parallelThreads();
        s.flags = pbkdf.benchmark() ? 0 : LibCryptsetup.CRYPT_PBKDF_NO_BENCHMARK;
        s.write();
        return s;
    }

    static void requireSecret(SecretBytes secret, String what) {
        if (secret == null || secret.isClosed()) {
            throw new IllegalArgumentException(what + " must be an open SecretBytes");
        }
    }

    private static void requirePath(Path path, String what) {
        if (path == null) {
            throw new IllegalArgumentException(what + " path must be set");
        }
    }
}
