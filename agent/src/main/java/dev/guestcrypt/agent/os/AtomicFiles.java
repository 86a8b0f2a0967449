package dev.guestcrypt.agent.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces files so that a crash leaves either the old or the new content, never a mix: temp file
 * in the same folder, fsync, rename, fsync of the folder. Keeps the file's permissions.
 */
public final class AtomicFiles {
    public static final String BACKUP_SUFFIX = ".guestcrypt.bak";

    private AtomicFiles() {}

    /** Writes {@code content}; when {@code backup} is set, first saves the current file as {@code <file>.guestcrypt.bak}. */
    public static void write(Path file, String content, boolean backup) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Set<PosixFilePermission> mode = Files.exists(file) ? Files.getPosixFilePermissions(file)
                : PosixFilePermissions.fromString("rw-r--r--");
        if (backup && Files.exists(file)) {
            replace(dir, dir.resolve(file.getFileName() + BACKUP_SUFFIX), Files.readAllBytes(file), mode);
        }
        replace(dir, file, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    private static void replace(Path dir, Path target, byte[] bytes, Set<PosixFilePermission> mode) throws IOException {
        Path temp = dir.resolve("." + target.getFileName() + ".guestcrypt.tmp");
        Files.deleteIfExists(temp);
        try (FileChannel ch = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(mode))) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        }
        Files.setPosixFilePermissions(temp, mode);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
