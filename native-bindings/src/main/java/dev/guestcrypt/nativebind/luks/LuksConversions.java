package dev.guestcrypt.nativebind.luks;

import dev.guestcrypt.nativebind.jna.CryptParamsReencrypt;
import dev.guestcrypt.nativebind.jna.LibC;
import dev.guestcrypt.nativebind.jna.LibCryptsetup;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * The conversions the agent performs: encrypt (header in place or detached), decrypt, re-key.
 * Each is split into an init step, which writes the header and records the pending work, and a
 * run ({@link #resume}), which may be online on an active mapping and may be stopped and resumed
 * at any time, across crashes. Every init is idempotent: calling it again for a device whose
 * header already records the same pending work returns the existing result.
 */
public final class LuksConversions {
    private static final String HASH = "sha256";
    private static final int HEADER_FILE_MIN = 4096; // the library refuses a smaller detached header file

    private LuksConversions() {}

    // ---- encryption with the header at the head of the device ----

    /**
     * Formats {@code params.device()} as LUKS2 with the header at its head, moving the data up by
     * the header size (the last {@link InPlaceEncryptParams#reduceDeviceSizeBytes()} bytes of the
     * device must be unused), adds {@code passphrase} in a keyslot and records the pending
     * encryption. Nothing is encrypted yet: follow with {@link #resume}. The device must be
     * unmounted and unused.
     */
    public static InitResult initEncryptInPlace(InPlaceEncryptParams params, SecretBytes passphrase) {
        return initEncryptInPlace(params, passphrase, HeaderSetup.none());
    }

    /**
     * {@link #initEncryptInPlace(InPlaceEncryptParams, SecretBytes)} with {@code setup} applied to
     * the new header after the keyslot is added and before the encryption is recorded (the only
     * moment tokens can be written until the encryption finished). Not called again when a
     * repeated call finds the work already recorded.
     */
    public static InitResult initEncryptInPlace(InPlaceEncryptParams params, SecretBytes passphrase,
                                                HeaderSetup setup) {
        LuksDevice.requireSecret(passphrase, "passphrase");
        Path device = params.device();
        FormatParams format = params.format();
        if (LuksDevice.isLuks2(device)) {
            InitResult existing = existingInit(device, null, format.uuid(), passphrase);
            // A crash right after the header reached the device may have left the temporary copy.
            deleteQuietly(params.workDir().resolve("LUKS2-temp-" + existing.uuid() + ".hdr"));
            return existing;
        }
        long size = sizeOf(device);
        if (size < params.reduceDeviceSizeBytes() + (1L << 20) || size % format.sectorSize() != 0) {
            throw new IllegalArgumentException("device " + device + " is " + size + " bytes; in-place encryption"
                    + " needs a multiple of " + format.sectorSize() + " bytes larger than "
                    + params.reduceDeviceSizeBytes() + " (twice the header size) plus 1 MiB");
        }
        String uuid = format.uuid() != null ? format.uuid() : UUID.randomUUID().toString();
        Path tempHeader = prepareTempHeader(params, uuid, passphrase, setup);
        // The first chunk is safe in the tail now: the header may go to the head of the device.
        try (LuksDevice target = LuksDevice.init(device)) {
            target.headerRestore(tempHeader);
        }
        InitResult result = existingInit(device, null, uuid, passphrase);
        deleteQuietly(tempHeader);
        return result;
    }

    /**
     * Steps before the header goes onto the device: format a temporary header for it, add the
     * keyslot and record the encryption, which moves the first data chunk into the free tail. The
     * device head is not written, so a crash here is redone from the start; a temporary header
     * that already records the encryption is reused. Returns the temporary header path.
     */
    static Path prepareTempHeader(InPlaceEncryptParams params, String uuid, SecretBytes passphrase,
                                  HeaderSetup setup) {
        Path device = params.device();
        FormatParams format = params.format();
        long shift = params.headerSizeBytes();
        Path tempHeader = params.workDir().resolve("LUKS2-temp-" + uuid + ".hdr");
        if (tempHeaderInitialised(tempHeader, device)) {
            return tempHeader;
        }
        createHeaderFile(tempHeader, true);
        try (LuksDevice header = LuksDevice.init(tempHeader)) {
            header.format(format.toBuilder().uuid(uuid).dataDevice(device).dataOffsetBytes(shift).build(), null);
            int keyslot = header.keyslots().addByVolumeKey(null, passphrase);
            setup.apply(header, keyslot);
            CryptParamsReencrypt reencrypt = new CryptParamsReencrypt();
            reencrypt.mode = LibCryptsetup.CRYPT_REENCRYPT_ENCRYPT;
            reencrypt.direction = LibCryptsetup.CRYPT_REENCRYPT_BACKWARD; // the only direction with a shift
            reencrypt.resilience = "datashift";
            reencrypt.hash = HASH;
            reencrypt.data_shift = shift / 512;
            reencrypt.luks2 = LuksDevice.luks2Params(format.sectorSize(), device, format.label());
            // MOVE_FIRST_SEGMENT copies the first data chunk to the free tail now; without it the
            // header restored onto the device head would overwrite that data.
            reencrypt.flags = LibCryptsetup.CRYPT_REENCRYPT_INITIALIZE_ONLY
                    | LibCryptsetup.CRYPT_REENCRYPT_MOVE_FIRST_SEGMENT;
            header.reencryption().init(null, passphrase, LibCryptsetup.CRYPT_ANY_SLOT, keyslot,
                    format.cipher(), format.cipherMode(), reencrypt, "encrypt in place");
        }
        forceToDisk(tempHeader);
        return tempHeader;
    }

    /** {@link #initEncryptInPlace} then an offline run. */
    public static RunOutcome encryptInPlace(InPlaceEncryptParams params, SecretBytes passphrase,
                                            ProgressListener listener, RunOptions options) {
        initEncryptInPlace(params, passphrase);
        return resume(params.device(), null, null, passphrase, listener, options);
    }

    // ---- encryption with a detached header (no size change) ----

    /**
     * Writes a LUKS2 header for {@code device} into {@code headerFile} (new, or empty) and records
     * the pending encryption of the whole device. Follow with {@link #resume} using the header file.
     */
    public static InitResult initEncryptDetached(Path headerFile, Path device, FormatParams format,
                                                 SecretBytes passphrase, RunOptions options) {
        return initEncryptDetached(headerFile, device, format, passphrase, options, HeaderSetup.none());
    }

    /** {@link #initEncryptDetached(Path, Path, FormatParams, SecretBytes, RunOptions)} with a {@link HeaderSetup}. */
    public static InitResult initEncryptDetached(Path headerFile, Path device, FormatParams format,
                                                 SecretBytes passphrase, RunOptions options, HeaderSetup setup) {
        LuksDevice.requireSecret(passphrase, "passphrase");
        requireExisting(device, "device");
        RunOptions effective = options == null ? RunOptions.defaults() : options;
        if (format.dataOffsetBytes() != 0) {
            throw new IllegalArgumentException("a detached header keeps the data at offset 0; leave dataOffsetBytes 0");
        }
        if (Files.exists(headerFile) && sizeOf(headerFile) > 0 && LuksDevice.isLuks2(headerFile)) {
            return existingInit(headerFile, device, format.uuid(), passphrase);
        }
        if (sizeOf(device) % format.sectorSize() != 0) {
            throw new IllegalArgumentException("device " + device + " size is not a multiple of the sector size "
                    + format.sectorSize() + "; choose 512-byte sectors");
        }
        createHeaderFile(headerFile, true);
        try (LuksDevice header = LuksDevice.init(headerFile)) {
            header.format(format.toBuilder().dataDevice(device).build(), null);
            int keyslot = header.keyslots().addByVolumeKey(null, passphrase);
            setup.apply(header, keyslot);
            CryptParamsReencrypt reencrypt = base(LibCryptsetup.CRYPT_REENCRYPT_ENCRYPT, effective);
            reencrypt.luks2 = LuksDevice.luks2Params(format.sectorSize(), device, format.label());
            reencrypt.flags = LibCryptsetup.CRYPT_REENCRYPT_INITIALIZE_ONLY;
            header.reencryption().init(null, passphrase, LibCryptsetup.CRYPT_ANY_SLOT, keyslot, format.cipher(),
                    format.cipherMode(), reencrypt, "encrypt detached");
        }
        forceToDisk(headerFile);
        return existingInit(headerFile, device, format.uuid(), passphrase);
    }

    public static RunOutcome encryptDetached(Path headerFile, Path device, FormatParams format,
                                             SecretBytes passphrase, ProgressListener listener, RunOptions options) {
        initEncryptDetached(headerFile, device, format, passphrase, options);
        return resume(device, headerFile, null, passphrase, listener, options);
    }

    // ---- decryption ----

    /**
     * Records the pending decryption of a device whose header is at its head. The header moves
     * to {@code exportedHeader} (a new file; keep it until the run finished: it is the only
     * record of the progress), and the plaintext ends up at offset 0. Follow with
     * {@link #resume} using {@code exportedHeader}. Offline only.
     */
    public static InitResult initDecryptInPlace(Path device, Path exportedHeader, SecretBytes passphrase) {
        LuksDevice.requireSecret(passphrase, "passphrase");
        requireExisting(device, "device");
        if (!Files.exists(exportedHeader)) {
            try (LuksDevice source = LuksDevice.open(device)) {
                requireNoPendingWork(source);
                source.keyslots().verify(passphrase); // refuse a wrong passphrase before touching anything
                Path partial = exportedHeader.resolveSibling(exportedHeader.getFileName() + ".part");
                deleteQuietly(partial);
                source.headerBackup(partial);
                makeOwnerWritable(partial);
                forceToDisk(partial);
                move(partial, exportedHeader);
            }
        }
        try (LuksDevice header = LuksDevice.openDetached(exportedHeader, device)) {
            if (header.reencryption().status() != ReencryptStatus.NONE) {
                return new InitResult(header.keyslots().verify(passphrase), header.uuid());
            }
            int keyslot = header.keyslots().verify(passphrase);
            // Remove the old header signature so nothing mistakes the device for LUKS mid-way.
            Native.begin();
            Native.check(header.lib().crypt_wipe(header.handle(), device.toString(), LibCryptsetup.CRYPT_WIPE_ZERO,
                    0, 32 * 1024, 0, 0, null, null), "crypt_wipe", device.toString());
            CryptParamsReencrypt reencrypt = new CryptParamsReencrypt();
            reencrypt.mode = LibCryptsetup.CRYPT_REENCRYPT_DECRYPT;
            reencrypt.direction = LibCryptsetup.CRYPT_REENCRYPT_FORWARD;
            reencrypt.resilience = "datashift-checksum";
            reencrypt.hash = HASH;
            reencrypt.data_shift = header.dataOffsetBytes() / 512;
            reencrypt.flags = LibCryptsetup.CRYPT_REENCRYPT_MOVE_FIRST_SEGMENT
                    | LibCryptsetup.CRYPT_REENCRYPT_INITIALIZE_ONLY;
            header.reencryption().init(null, passphrase, LibCryptsetup.CRYPT_ANY_SLOT, LibCryptsetup.CRYPT_ANY_SLOT,
                    null, null, reencrypt, "decrypt in place");
            return new InitResult(keyslot, header.uuid());
        }
    }

    public static RunOutcome decryptInPlace(Path device, Path exportedHeader, SecretBytes passphrase,
                                            ProgressListener listener, RunOptions options) {
        initDecryptInPlace(device, exportedHeader, passphrase);
        return resume(device, exportedHeader, null, passphrase, listener, options);
    }

    /** Records the pending decryption of a device with a detached header. Follow with {@link #resume}. */
    public static InitResult initDecryptDetached(Path headerFile, Path device, SecretBytes passphrase,
                                                 RunOptions options) {
        LuksDevice.requireSecret(passphrase, "passphrase");
        RunOptions effective = options == null ? RunOptions.defaults() : options;
        try (LuksDevice header = LuksDevice.openDetached(headerFile, device)) {
            int keyslot = header.keyslots().verify(passphrase);
            if (header.reencryption().status() == ReencryptStatus.NONE) {
                CryptParamsReencrypt reencrypt = base(LibCryptsetup.CRYPT_REENCRYPT_DECRYPT, effective);
                reencrypt.flags = LibCryptsetup.CRYPT_REENCRYPT_INITIALIZE_ONLY;
                header.reencryption().init(null, passphrase, LibCryptsetup.CRYPT_ANY_SLOT,
                        LibCryptsetup.CRYPT_ANY_SLOT, null, null, reencrypt, "decrypt detached");
            }
            return new InitResult(keyslot, header.uuid());
        }
    }

    public static RunOutcome decryptDetached(Path headerFile, Path device, SecretBytes passphrase,
                                             ProgressListener listener, RunOptions options) {
        initDecryptDetached(headerFile, device, passphrase, options);
        return resume(device, headerFile, null, passphrase, listener, options);
    }

    // ---- re-key ----

    /**
     * Adds a fresh random volume key for {@code passphrase} in a new keyslot (returned) and records
     * the pending re-encryption to it. When the run finishes the library destroys every keyslot of
     * the old key: other passphrases must be re-added and tokens re-assigned to the returned slot.
     */
    public static InitResult initReencrypt(Path device, Path headerFileOrNull, SecretBytes passphrase, Pbkdf pbkdf,
                                           RunOptions options) {
        return initReencrypt(device, headerFileOrNull, passphrase, pbkdf, options, HeaderSetup.none());
    }

    /**
     * {@link #initReencrypt(Path, Path, SecretBytes, Pbkdf, RunOptions)} with {@code setup} applied
     * after the new keyslot exists and before the re-key is recorded: assign tokens to the new
     * slot here. Other passphrases are not carried over to the new key: re-add them after the run
     * finished.
     */
    public static InitResult initReencrypt(Path device, Path headerFileOrNull, SecretBytes passphrase, Pbkdf pbkdf,
                                           RunOptions options, HeaderSetup setup) {
        LuksDevice.requireSecret(passphrase, "passphrase");
        RunOptions effective = options == null ? RunOptions.defaults() : options;
        try (LuksDevice luks = openEither(device, headerFileOrNull)) {
            if (luks.reencryption().status() != ReencryptStatus.NONE) {
                return new InitResult(newestKeyslot(luks, passphrase), luks.uuid());
            }
            int oldSlot = luks.keyslots().verify(passphrase);
            luks.usePbkdf(pbkdf == null ? Pbkdf.libraryDefault() : pbkdf);
            Native.begin();
            int newSlot = Native.check(luks.lib().crypt_keyslot_add_by_key(luks.handle(), LibCryptsetup.CRYPT_ANY_SLOT,
                    null, luks.volumeKeySize(), passphrase.pointer(), passphrase.length(),
                    LibCryptsetup.CRYPT_VOLUME_KEY_NO_SEGMENT), "crypt_keyslot_add_by_key", luks.describe());
            setup.apply(luks, newSlot);
            CryptParamsReencrypt reencrypt = base(LibCryptsetup.CRYPT_REENCRYPT_REENCRYPT, effective);
            reencrypt.luks2 = LuksDevice.luks2Params(luks.sectorSize(), null, null);
            reencrypt.flags = LibCryptsetup.CRYPT_REENCRYPT_INITIALIZE_ONLY;
            luks.reencryption().init(null, passphrase, oldSlot, newSlot, luks.cipher(), luks.cipherMode(), reencrypt,
                    "re-key");
            return new InitResult(newSlot, luks.uuid());
        }
    }

    public static RunOutcome reencrypt(Path device, Path headerFileOrNull, SecretBytes passphrase, Pbkdf pbkdf,
                                       ProgressListener listener, RunOptions options) {
        initReencrypt(device, headerFileOrNull, passphrase, pbkdf, options);
        return resume(device, headerFileOrNull, null, passphrase, listener, options);
    }

    // ---- running, status, recovery ----

    /**
     * Runs whatever conversion the header records, recovering first if it was interrupted inside
     * a hotzone (offline only; online, activating the mapping recovers). {@code headerFileOrNull}
     * for detached headers (and for in-place decryption: the exported header). {@code activeName}
     * runs online through /dev/mapper/NAME; null runs offline. Returns
     * {@link RunOutcome#FINISHED} at once when nothing is pending.
     */
    public static RunOutcome resume(Path device, Path headerFileOrNull, String activeName, SecretBytes passphrase,
                                    ProgressListener listener, RunOptions options) {
        LuksDevice.requireSecret(passphrase, "passphrase");
        if (status(device, headerFileOrNull) == ReencryptStatus.CRASH) {
            if (activeName != null) {
                // Recovery rewrites the hotzone on the raw device: never under a live mapping.
                throw new IllegalStateException("the conversion of " + device + " was interrupted inside a hotzone"
                        + " while /dev/mapper/" + activeName + " may be in use; deactivate it and resume offline, or"
                        + " re-activate it (activation recovers the hotzone) and resume online");
            }
            recover(device, headerFileOrNull, passphrase);
        }
        try (LuksDevice luks = openEither(device, headerFileOrNull)) {
            if (luks.reencryption().status() == ReencryptStatus.NONE) {
                return RunOutcome.FINISHED;
            }
            return luks.reencryption().run(activeName, passphrase, listener, options);
        }
    }

    public static ReencryptStatus status(Path device, Path headerFileOrNull) {
        try (LuksDevice luks = openEither(device, headerFileOrNull)) {
            return luks.reencryption().status();
        }
    }

    /** Repairs a conversion interrupted inside a hotzone (CRASH); a no-op for other states. */
    public static ReencryptStatus recover(Path device, Path headerFileOrNull, SecretBytes passphrase) {
        try (LuksDevice luks = openEither(device, headerFileOrNull)) {
            if (luks.reencryption().status() == ReencryptStatus.CRASH) {
                luks.reencryption().recover(passphrase);
            }
        }
        return status(device, headerFileOrNull);
    }

    // ---- helpers ----

    private static LuksDevice openEither(Path device, Path headerFileOrNull) {
        return headerFileOrNull == null ? LuksDevice.open(device) : LuksDevice.openDetached(headerFileOrNull, device);
    }

    private static CryptParamsReencrypt base(int mode, RunOptions options) {
        CryptParamsReencrypt reencrypt = new CryptParamsReencrypt();
        reencrypt.mode = mode;
        reencrypt.direction = LibCryptsetup.CRYPT_REENCRYPT_FORWARD;
        reencrypt.resilience = options.resilience().libraryName();
        reencrypt.hash = options.resilience() == Resilience.CHECKSUM ? HASH : null;
        reencrypt.max_hotzone_size = options.maxHotzoneSectors();
        return reencrypt;
    }

    /** Result for a device whose header already exists: it must be the expected one with pending work. */
    private static InitResult existingInit(Path device, Path dataOrNull, String expectedUuid, SecretBytes passphrase) {
        try (LuksDevice luks = dataOrNull == null ? LuksDevice.open(device)
                : LuksDevice.openDetached(device, dataOrNull)) {
            if (expectedUuid != null && !expectedUuid.equalsIgnoreCase(luks.uuid())) {
                throw new IllegalArgumentException(device + " already holds LUKS2 header " + luks.uuid()
                        + ", not the expected " + expectedUuid + "; it is already encrypted: do not convert it again");
            }
            if (luks.reencryption().status() == ReencryptStatus.NONE) {
                throw new IllegalArgumentException(device + " is already LUKS2 (" + luks.uuid()
                        + ") with no pending encryption; nothing to initialise");
            }
            return new InitResult(luks.keyslots().verify(passphrase), luks.uuid());
        }
    }

    /** The keyslot the passphrase opens that holds the newest key (a re-key target is unbound). */
    private static int newestKeyslot(LuksDevice luks, SecretBytes passphrase) {
        for (Keyslot slot : luks.keyslots().list()) {
            if (slot.state() == KeyslotState.UNBOUND) {
                continue;
            }
            Native.begin();
            int rc = luks.lib().crypt_activate_by_passphrase(luks.handle(), null, slot.slot(), passphrase.pointer(),
                    passphrase.length(), 0);
            if (rc >= 0 && slot.state() == KeyslotState.ACTIVE_LAST) {
                return slot.slot();
            }
        }
        return luks.keyslots().verify(passphrase);
    }

    private static void requireNoPendingWork(LuksDevice luks) {
        ReencryptStatus status = luks.reencryption().status();
        if (status != ReencryptStatus.NONE) {
            throw new IllegalStateException("a conversion of " + luks.describe() + " is pending (" + status
                    + "); resume it before starting another");
        }
    }

    /** A temp header from an earlier attempt that got as far as recording the pending encryption. */
    private static boolean tempHeaderInitialised(Path tempHeader, Path device) {
        if (!Files.exists(tempHeader)) {
            return false;
        }
        try (LuksDevice header = LuksDevice.openDetached(tempHeader, device)) {
            if (header.reencryption().status() == ReencryptStatus.CLEAN) {
                return true;
            }
        } catch (CryptsetupException e) {
            // unusable leftover of an attempt that failed before the header was complete
        }
        deleteQuietly(tempHeader);
        return false;
    }

    private static void createHeaderFile(Path file, boolean replaceEmpty) {
        try {
            if (Files.exists(file)) {
                if (replaceEmpty && sizeOf(file) == 0) {
                    Files.delete(file);
                } else {
                    throw new IllegalArgumentException("header file " + file
                            + " already exists; choose a new path or remove the old file");
                }
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.allocate(HEADER_FILE_MIN));
                channel.force(true);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create header file " + file, e);
        }
    }

    private static void makeOwnerWritable(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make header file " + file + " writable", e);
        }
    }

    private static void forceToDisk(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot flush " + file, e);
        }
        forceDirectory(file.toAbsolutePath().getParent());
    }

    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some filesystems refuse fsync on directories; the file itself is on disk
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(to.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + from + " to " + to, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // leftover temp header: harmless, named after the UUID
        }
    }

    private static void requireExisting(Path path, String what) {
        if (path == null || !Files.exists(path)) {
            throw new IllegalArgumentException(what + " " + path + " does not exist; pass an existing device or file");
        }
    }

    private static long sizeOf(Path path) {
        long size = LibC.sizeOf(path.toString());
        if (size < 0) {
            throw new CryptsetupException("lseek", path.toString(), (int) -size, null);
        }
        return size;
    }

}
