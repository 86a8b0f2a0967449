package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.ExecuteError;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One agent process at a time changes volumes: the daemon holds this lock while it runs, and a CLI
 * that finds it free runs the work itself. The kernel drops the lock when the holder dies.
 */
public final class OperationLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private OperationLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or empty when another agent process holds it. */
    public static Optional<OperationLock> tryAcquire(Path file) {
        FileChannel ch = open(file);
        try {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                return Optional.empty();
            }
            return Optional.of(new OperationLock(ch, lock));
        } catch (IOException e) {
            throw failed(file, e);
        }
    }

    /** Waits for the lock. */
    public static OperationLock acquire(Path file) {
        FileChannel ch = open(file);
        try {
            return new OperationLock(ch, ch.lock());
        } catch (IOException e) {
            throw failed(file, e);
        }
    }

    private static FileChannel open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw failed(file, e);
        }
    }

    private static AgentException failed(Path file, IOException e) {
        return new AgentException(ExecuteError.ANOTHER_OPERATION_RUNNING, "cannot use the lock file " + file + ": " + e.getMessage(),
                "run guestcrypt as root");
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // Closing the channel releases the lock in any case.
        }
    }
}
