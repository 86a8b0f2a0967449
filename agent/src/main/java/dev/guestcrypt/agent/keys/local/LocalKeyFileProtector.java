package dev.guestcrypt.agent.keys.local;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.keys.KeyProtector;
import dev.guestcrypt.agent.keys.KeyToken;
import dev.guestcrypt.agent.keys.KeyTokenError;
import dev.guestcrypt.agent.keys.LocalKeyFileToken;
import dev.guestcrypt.agent.keys.ProtectedKey;
import dev.guestcrypt.agent.keys.VolumeIdentity;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Keeps each passphrase in a private file {@code <directory>/<luks-uuid>.key} (mode 0600 in a
 * 0700 directory), for development and recovery. The file is written atomically and read back
 * before the passphrase is handed out; the token records its SHA-256 so a changed file is refused.
 */
public final class LocalKeyFileProtector implements KeyProtector {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private final Path directory;

    public LocalKeyFileProtector(Path directory) {
        this.directory = directory.toAbsolutePath();
    }

    @Override
    public String tokenType() {
        return LocalKeyFileToken.TYPE;
    }

    @Override
    public ProtectedKey protect(SecretBytes passphrase, VolumeIdentity volume) {
        if (!volume.luksUuid().matches("[0-9a-fA-F-]{8,64}")) {
            throw unusable("the LUKS UUID '" + volume.luksUuid() + "' cannot name a key file", "pass the volume's LUKS UUID");
        }
        Path file = directory.resolve(volume.luksUuid().toLowerCase() + ".key");
        Path temp = directory.resolve("." + volume.luksUuid().toLowerCase() + ".key.new");
        byte[] plain = passphrase.copyToArray();
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.deleteIfExists(temp);
            try (FileChannel out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
                out.write(ByteBuffer.wrap(plain));
                out.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw unusable("cannot write the key file " + file + ": " + e.getMessage(), "check that " + directory
                    + " is writable by root and not full");
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
        LocalKeyFileToken token = new LocalKeyFileToken(file.toString(), sha256(passphrase), List.of());
        try (SecretBytes readBack = unprotect(token)) {
            if (!readBack.contentEquals(passphrase)) {
                throw unusable("the key file " + file + " does not read back as written", "check the file system");
            }
        }
        return new ProtectedKey(token, file.toString());
    }

    @Override
    public SecretBytes unprotect(KeyToken token) {
        if (!(token instanceof LocalKeyFileToken local)) {
            throw new AgentException(KeyTokenError.TOKEN_TYPE_UNSUPPORTED, "the local key-file protector cannot open a '"
                    + token.type() + "' token", "use the protector for that token type");
        }
        Path file = Path.of(local.path());
        byte[] bytes = null;
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(permissions)) {
                throw unusable("the key file " + file + " is readable by others (" + PosixFilePermissions.toString(permissions) + ")",
                        "chmod 600 " + file + " and consider the passphrase exposed: rotate it");
            }
            bytes = Files.readAllBytes(file);
            if (bytes.length == 0) {
                throw unusable("the key file " + file + " is empty", "restore it from its backup");
            }
            SecretBytes secret = SecretBytes.takeFrom(bytes);
            if (!MessageDigest.isEqual(sha256(secret).getBytes(), local.sha256().toLowerCase().getBytes())) {
                secret.close();
                throw unusable("the key file " + file + " changed since the volume was protected (SHA-256 differs)",
                        "restore the original key file from its backup");
            }
            return secret;
        } catch (IOException e) {
            throw unusable("cannot read the key file " + file + ": " + e.getMessage(), "restore it from its backup");
        } finally {
            if (bytes != null) {
                Arrays.fill(bytes, (byte) 0);
            }
        }
    }

    private static String sha256(SecretBytes secret) {
        byte[] copy = secret.copyToArray();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(copy));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(copy, (byte) 0);
        }
    }

    private static AgentException unusable(String problem, String fix) {
        return new AgentException(KeyTokenError.LOCAL_KEY_FILE_UNUSABLE, problem, fix);
    }
}
