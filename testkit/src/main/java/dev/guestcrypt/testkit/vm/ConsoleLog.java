package dev.guestcrypt.testkit.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The guest's serial console as qemu writes it to a file, kept across boots (appended). */
final class ConsoleLog {
    private final Path file;

    ConsoleLog(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    long size() {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Console text written since the given offset. */
    String since(long offset) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            byte[] all = Files.readAllBytes(file);
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String tail(int lines) {
        String[] all = since(0).split("\r?\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }

    /** Waits for the marker to appear after the offset; returns the line holding it, or null. */
    String await(String marker, long offset, Duration timeout, BooleanSupplier stillRunning) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String text = since(offset);
            int i = text.indexOf(marker);
            if (i >= 0) {
                int end = text.indexOf('\n', i);
                return text.substring(i, end < 0 ? text.length() : end).strip();
            }
            if (!stillRunning.getAsBoolean()) {
                return null;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }
}
