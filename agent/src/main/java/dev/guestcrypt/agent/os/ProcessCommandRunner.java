package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.Command;
import dev.guestcrypt.agent.execute.CommandResult;
import dev.guestcrypt.agent.execute.CommandRunner;
import dev.guestcrypt.agent.execute.ExecuteError;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts programs with {@link ProcessBuilder}: a fixed C locale, secrets only on stdin (written
 * then closed, the heap copy zeroed at once), output collected, killed after the timeout.
 */
public final class ProcessCommandRunner implements CommandRunner {
    @Override
    public CommandResult run(Command command) {
        Process process = start(command, false);
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        feed(process, command);
        boolean finished = waitFor(process, command);
        return new CommandResult(finished ? process.exitValue() : -1, out.join(), err.join(), !finished);
    }

    @Override
    public CommandResult stream(Command command, LineListener lines) {
        Process process = start(command, true);
        feed(process, command);
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread watchdog = new Thread(() -> {
            try {
                if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    timedOut.set(true);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "command-timeout");
        watchdog.setDaemon(true);
        watchdog.start();
        StringBuilder other = new StringBuilder();
        boolean stopping = false;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!stopping && !lines.onLine(line)) {
                    stopping = true;
                    process.destroy(); // SIGTERM: the program stops at its next safe point
                }
                if (!line.startsWith("{")) {
                    other.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
        }
        boolean finished = waitFor(process, command);
        watchdog.interrupt();
        return new CommandResult(finished ? process.exitValue() : -1, "", other.toString(), timedOut.get() || !finished);
    }

    private static Process start(Command command, boolean mergeErrors) {
        ProcessBuilder builder = new ProcessBuilder(command.argv()).redirectErrorStream(mergeErrors);
        builder.environment().put("LC_ALL", "C");
        if (command.stdin() == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        try {
            return builder.start();
        } catch (IOException e) {
            throw new AgentException(ExecuteError.COMMAND_FAILED, "cannot start " + command.argv().get(0) + ": " + e.getMessage(),
                    "install the package that provides " + command.argv().get(0));
        }
    }

    private static void feed(Process process, Command command) {
        if (command.stdin() == null) {
            return;
        }
        byte[] bytes = command.stdin().copyToArray();
        try (OutputStream in = process.getOutputStream()) {
            in.write(bytes);
        } catch (IOException e) {
            // The program exited before reading its input; its exit code tells why.
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static boolean waitFor(Process process, Command command) {
        try {
            if (process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
            return false;
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                stream.transferTo(buffer);
                return buffer.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, runnable -> {
            Thread t = new Thread(runnable, "command-output");
            t.setDaemon(true);
            t.start();
        });
    }
}
