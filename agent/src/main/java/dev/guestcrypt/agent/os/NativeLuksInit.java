package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.ExecuteError;
import dev.guestcrypt.agent.keys.KeyTokenCodec;
import dev.guestcrypt.nativebind.luks.CryptsetupException;
import dev.guestcrypt.nativebind.luks.FormatParams;
import dev.guestcrypt.nativebind.luks.HeaderSetup;
import dev.guestcrypt.nativebind.luks.InPlaceEncryptParams;
import dev.guestcrypt.nativebind.luks.LuksConversions;
import dev.guestcrypt.nativebind.luks.LuksDevice;
import dev.guestcrypt.nativebind.luks.Pbkdf;
import dev.guestcrypt.nativebind.luks.RunOptions;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Writes the LUKS2 header through libcryptsetup, with the key token written into the new header
 * before the pending encryption is recorded: once it is, LUKS2 refuses token changes until the
 * encryption has finished, and the token is what opens the volume at boot in the meantime.
 */
public final class NativeLuksInit {
    private final Path workDir;
    /**
     * The key derivation for guestcrypt's own keyslot. A KDF's cost protects guessable, human-chosen
     * passphrases; this keyslot's passphrase is 127 random bytes (1016 bits), so no cost makes it
     * stronger, while every derivation sits inside the volume's offline window (header init, its
     * read-back, the open that ends the downtime) and in every boot's unlock. cryptsetup's
     * benchmarked argon2id takes about 2 s per derivation, a fixed memory-hard argon2id took 8-15 s
     * on slow virtual CPUs; PBKDF2-SHA256 at 10,000 iterations takes milliseconds. Keyslots added by
     * hand for human passphrases keep cryptsetup's defaults.
     */
    public static final Pbkdf RANDOM_PASSPHRASE_KDF = Pbkdf.pbkdf2Iterations(10_000);

    private final Pbkdf pbkdf;
    /** Where a LUKS2 header with the default 16 MiB metadata and keyslot area ends. */
    private static final long HEADER_AREA_BYTES = 16L << 20;

    /**
     * @param workDir persistent folder for the temporary header of in-place encryption (a crash
     *                while the header moves to the device needs it)
     * @param pbkdf   key derivation ({@link #RANDOM_PASSPHRASE_KDF} in production)
     */
    public NativeLuksInit(Path workDir, Pbkdf pbkdf) {
        this.workDir = workDir;
        this.pbkdf = pbkdf;
    }

    /** The same header writing with its temporary files in {@code dir} (a rehearsal on scratch files). */
    public NativeLuksInit in(Path dir) {
        return new NativeLuksInit(dir, pbkdf);
    }

    public void inPlace(String device, String luksUuid, long reduceBytes, SecretBytes passphrase, String tokenJson) {
        run(device, () -> LuksConversions.initEncryptInPlace(new InPlaceEncryptParams(Path.of(device), format(luksUuid),
                reduceBytes / 2, work()), passphrase, tokenWriter(tokenJson)));
    }

    public void detached(String device, String header, String luksUuid, SecretBytes passphrase, String tokenJson) {
        run(device, () -> {
            folder(Path.of(header).toAbsolutePath().getParent());
            return LuksConversions.initEncryptDetached(Path.of(header), Path.of(device), format(luksUuid), passphrase,
                    RunOptions.defaults(), tokenWriter(tokenJson));
        });
    }

    /**
     * Formats the whole device as LUKS2: header at its start, a new volume key, the passphrase in a
     * keyslot, the token bound to it. Idempotent: a complete header of {@code luksUuid} (the keyslot
     * opens with the passphrase, the token is there) is left alone; an incomplete one of that UUID
     * (a crash between header, keyslot and token) is wiped and written again; any other LUKS header
     * is refused, since formatting over it would lose its keys.
     */
    public void formatWhole(String device, String luksUuid, SecretBytes passphrase, String tokenJson) {
        run(device, () -> {
            Path path = Path.of(device);
            String tokenType = KeyTokenCodec.fromJson(tokenJson).type();
            if (LuksDevice.isLuks2(path)) {
                try (LuksDevice existing = LuksDevice.open(path)) {
                    if (!luksUuid.equalsIgnoreCase(existing.uuid())) {
                        throw new IllegalStateException(device + " already carries the LUKS2 header " + existing.uuid()
                                + ", not the one this operation writes (" + luksUuid + ")");
                    }
                    if (existing.keyslots().find(passphrase).isPresent() && hasToken(existing, tokenType)) {
                        return null;
                    }
                }
                wipeHeaderArea(path);
            }
            try (LuksDevice fresh = LuksDevice.init(path)) {
                fresh.format(format(luksUuid), null);
                int keyslot = fresh.keyslots().addByVolumeKey(null, passphrase);
                tokenWriter(tokenJson).apply(fresh, keyslot);
            }
            return null;
        });
    }

    private static boolean hasToken(LuksDevice device, String type) {
        return device.tokens().list().stream().map(id -> device.tokens().read(id).orElse(""))
                .anyMatch(json -> KeyTokenCodec.hasType(json, type));
    }

    /** Zeroes both LUKS2 header copies and their keyslot area (the first 16 MiB), synced. */
    private static void wipeHeaderArea(Path device) {
        try (FileChannel channel = FileChannel.open(device, StandardOpenOption.WRITE)) {
            long end = Math.min(HEADER_AREA_BYTES, channel.size() > 0 ? channel.size() : HEADER_AREA_BYTES);
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            for (long at = 0; at < end; at += zeros.capacity()) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), end - at));
                while (zeros.hasRemaining()) {
                    channel.write(zeros, at + zeros.position());
                }
            }
            channel.force(true);
        } catch (IOException e) {
            throw new IllegalStateException("cannot wipe the incomplete LUKS2 header on " + device + ": " + e.getMessage(), e);
        }
    }

    private FormatParams format(String luksUuid) {
        return FormatParams.builder().cipher("aes", "xts-plain64").keySizeBytes(64).sectorSize(512).uuid(luksUuid).pbkdf(pbkdf)
                .build();
    }

    /** The token, bound to the keyslot the passphrase actually landed in. */
    private static HeaderSetup tokenWriter(String tokenJson) {
        return (header, keyslot) -> header.tokens().write(KeyTokenCodec.toJson(KeyTokenCodec.fromJson(tokenJson)
                .withKeyslots(List.of(keyslot))));
    }

    private Path work() {
        folder(workDir);
        return workDir;
    }

    private static void folder(Path dir) {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new AgentException(ExecuteError.LUKS_INIT_FAILED, "cannot create " + dir + ": " + e.getMessage(),
                    "check that /var/lib/guestcrypt is writable by root");
        }
    }

    private interface Init {
        Object call();
    }

    private static void run(String device, Init init) {
        try {
            init.call();
        } catch (CryptsetupException e) {
            throw new AgentException(ExecuteError.LUKS_INIT_FAILED, "writing the LUKS2 header on " + device + " failed: " + e.getMessage(),
                    "check that " + device + " is not mounted or in use; the operation retries on the next pass", e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new AgentException(ExecuteError.LUKS_INIT_FAILED, "cannot write the LUKS2 header on " + device + ": " + e.getMessage(),
                    "check the device and free space; the operation retries on the next pass", e);
        }
    }
}
