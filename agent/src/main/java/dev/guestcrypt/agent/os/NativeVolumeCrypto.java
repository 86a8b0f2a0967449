package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.EncryptionProgress;
import dev.guestcrypt.agent.execute.ExecuteError;
import dev.guestcrypt.agent.execute.VolumeCrypto;
import dev.guestcrypt.agent.keys.KeyTokenCodec;
import dev.guestcrypt.nativebind.luks.Activation;
import dev.guestcrypt.nativebind.luks.CryptsetupException;
import dev.guestcrypt.nativebind.luks.LuksConversions;
import dev.guestcrypt.nativebind.luks.LuksDevice;
import dev.guestcrypt.nativebind.luks.MappingStatus;
import dev.guestcrypt.nativebind.luks.ProgressListener;
import dev.guestcrypt.nativebind.luks.ReencryptStatus;
import dev.guestcrypt.nativebind.luks.RunOptions;
import dev.guestcrypt.nativebind.luks.RunOutcome;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * LUKS2 through libcryptsetup in this process: no program is started, so nothing of the volume's
 * offline window goes to process start-up, and the passphrase goes from off-heap memory straight
 * into the library.
 */
public final class NativeVolumeCrypto implements VolumeCrypto {
    /**
     * The scratch volume of a rehearsal: the header room plus this. Sparse, but the in-place kind
     * fills about 3 x 16 MiB of it for a moment (moved data, temporary header, restored header).
     */
    private static final long REHEARSAL_SPARE_BYTES = 8L << 20;
    private final NativeLuksInit init;
    private final RunOptions runOptions;
    private final Path scratch;

    /** @param scratch folder for header rehearsals, best in memory (/run/guestcrypt/rehearsal) */
    public NativeVolumeCrypto(NativeLuksInit init, RunOptions runOptions, Path scratch) {
        this.init = init;
        this.runOptions = runOptions;
        this.scratch = scratch;
    }

    @Override
    public void load() {
        try {
            LuksDevice.loadLibrary();
        } catch (CryptsetupException e) {
            throw new AgentException(ExecuteError.CRYPTO_LIBRARY_MISSING, e.getMessage(),
                    "install libcryptsetup12 (apt-get install libcryptsetup12), then restart guestcrypt-agent.service", e);
        }
    }

    @Override
    public void rehearse(HeaderKind kind, long reduceBytes, String tokenJson) {
        Path dir = scratch.resolve(UUID.randomUUID().toString());
        Path device = dir.resolve("volume.img");
        String uuid = UUID.randomUUID().toString();
        try (SecretBytes passphrase = SecretBytes.random(64, new SecureRandom())) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try (RandomAccessFile file = new RandomAccessFile(device.toFile(), "rw")) {
                file.setLength((kind == HeaderKind.DETACHED ? 0 : reduceBytes) + REHEARSAL_SPARE_BYTES);
            }
            NativeLuksInit here = init.in(dir);
            String luksPath = device.toString();
            switch (kind) {
                case IN_PLACE -> here.inPlace(luksPath, uuid, reduceBytes, passphrase, tokenJson);
                case DETACHED -> {
                    luksPath = dir.resolve("header.luks").toString();
                    here.detached(device.toString(), luksPath, uuid, passphrase, tokenJson);
                }
                case WHOLE_DEVICE -> here.formatWhole(luksPath, uuid, passphrase, tokenJson);
            }
            String written = luksPath;
            String type = KeyTokenCodec.fromJson(tokenJson).type();
            boolean tokenBack = tokens(written).stream().anyMatch(t -> KeyTokenCodec.hasType(t, type));
            if (!hasLuksHeader(written, uuid) || !tokenBack || kind != HeaderKind.WHOLE_DEVICE && !reencryptionInProgress(written)) {
                throw new IllegalStateException("the header read back from the scratch file is not the one written");
            }
        } catch (AgentException | IOException | IllegalStateException | CryptsetupException e) {
            throw new AgentException(ExecuteError.HEADER_REHEARSAL_FAILED, "writing a LUKS2 header (" + kind.name().toLowerCase(Locale.ROOT)
                    + ") on a scratch file in " + scratch + " failed, so the volume was left mounted and untouched: " + e.getMessage(),
                    "check libcryptsetup12, the kernel crypto API (AF_ALG) and free memory in " + scratch
                    + ", then run 'guestcrypt encrypt' again", e);
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // nothing was created, or the rest goes with /run at the next boot
        }
    }

    @Override
    public boolean hasLuksHeader(String luksPath, String luksUuid) {
        Path path = Path.of(luksPath);
        if (!LuksDevice.isLuks2(path)) {
            return false;
        }
        return read(luksPath, () -> {
            try (LuksDevice luks = LuksDevice.open(path)) {
                return luks.uuid().equalsIgnoreCase(luksUuid);
            }
        });
    }

    @Override
    public void initEncryptInPlace(String device, String luksUuid, long reduceBytes, SecretBytes passphrase, String tokenJson) {
        init.inPlace(device, luksUuid, reduceBytes, passphrase, tokenJson);
    }

    @Override
    public void initEncryptDetached(String device, String header, String luksUuid, SecretBytes passphrase, String tokenJson) {
        init.detached(device, header, luksUuid, passphrase, tokenJson);
    }

    @Override
    public void formatEncrypted(String device, String luksUuid, SecretBytes passphrase, String tokenJson) {
        init.formatWhole(device, luksUuid, passphrase, tokenJson);
    }

    @Override
    public List<String> tokens(String luksPath) {
        Path path = Path.of(luksPath);
        if (!LuksDevice.isLuks2(path)) {
            return List.of();
        }
        return read(luksPath, () -> {
            try (LuksDevice luks = LuksDevice.open(path)) {
                List<String> out = new ArrayList<>();
                for (int id : luks.tokens().list()) {
                    luks.tokens().read(id).ifPresent(out::add);
                }
                return out;
            }
        });
    }

    @Override
    public void addToken(String luksPath, String tokenJson) {
        change(ExecuteError.LUKS_INIT_FAILED, "adding the key token to " + luksPath, "check the LUKS2 header of " + luksPath
                + " (cryptsetup luksDump)", () -> {
                    try (LuksDevice luks = LuksDevice.open(Path.of(luksPath))) {
                        luks.tokens().write(tokenJson);
                    }
                });
    }

    @Override
    public void activate(String device, String header, String name, SecretBytes passphrase) {
        change(ExecuteError.ACTIVATION_FAILED, "opening " + device + " as /dev/mapper/" + name, "check that dm-crypt is available"
                + " (modprobe dm_crypt) and that " + device + " is the volume's device", () -> {
                    try (LuksDevice luks = open(device, header)) {
                        luks.activation().activate(name, passphrase, Set.of());
                    }
                });
    }

    @Override
    public boolean isActive(String name) {
        try {
            return Activation.statusOf(name) != MappingStatus.INACTIVE;
        } catch (CryptsetupException e) {
            return false; // no device-mapper: nothing is active; opening says why
        }
    }

    @Override
    public boolean reencryptionInProgress(String luksPath) {
        Path path = Path.of(luksPath);
        if (!LuksDevice.isLuks2(path)) {
            return false;
        }
        return read(luksPath, () -> {
            try (LuksDevice luks = LuksDevice.open(path)) {
                return luks.reencryption().status() != ReencryptStatus.NONE;
            }
        });
    }

    @Override
    public boolean runOnline(String device, String header, String name, SecretBytes passphrase, EncryptionProgress progress) {
        ProgressListener listener = p -> progress.onProgress(p.bytesDone(), p.bytesTotal(), p.bytesPerSecond())
                ? ProgressListener.Decision.CONTINUE : ProgressListener.Decision.STOP;
        try {
            RunOutcome outcome = LuksConversions.resume(Path.of(device), header == null ? null : Path.of(header), name, passphrase,
                    listener, runOptions);
            return outcome == RunOutcome.FINISHED;
        } catch (CryptsetupException | IllegalStateException e) {
            throw new AgentException(ExecuteError.ENCRYPTION_RUN_FAILED, "encrypting " + device + " online (mapping " + name
                    + ") failed: " + e.getMessage(), "the encryption resumes where it stopped on the next start of the agent;"
                    + " check 'cryptsetup luksDump " + (header == null ? device : header) + "'", e);
        }
    }

    @Override
    public void backupHeader(String luksPath, String backupFile) {
        change(ExecuteError.LUKS_INIT_FAILED, "copying the LUKS2 header of " + luksPath + " to " + backupFile,
                "copy " + luksPath + " somewhere safe by hand", () -> {
                    Path backup = Path.of(backupFile);
                    try {
                        Files.deleteIfExists(backup);
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot replace " + backup + ": " + e.getMessage(), e);
                    }
                    try (LuksDevice luks = LuksDevice.open(Path.of(luksPath))) {
                        luks.headerBackup(backup);
                    }
                });
    }

    private static LuksDevice open(String device, String header) {
        return header == null ? LuksDevice.open(Path.of(device)) : LuksDevice.openDetached(Path.of(header), Path.of(device));
    }

    private interface Read<T> {
        T get();
    }

    private static <T> T read(String luksPath, Read<T> read) {
        try {
            return read.get();
        } catch (CryptsetupException e) {
            throw new AgentException(ExecuteError.COMMAND_FAILED, "cannot read the LUKS2 header of " + luksPath + ": " + e.getMessage(),
                    "check the device (cryptsetup luksDump " + luksPath + ")", e);
        }
    }

    private static void change(ExecuteError code, String what, String fix, Runnable action) {
        try {
            action.run();
        } catch (CryptsetupException | IllegalArgumentException | IllegalStateException e) {
            throw new AgentException(code, what + " failed: " + e.getMessage(), fix, e);
        }
    }
}
