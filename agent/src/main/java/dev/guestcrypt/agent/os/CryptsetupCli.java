package dev.guestcrypt.agent.os;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.Command;
import dev.guestcrypt.agent.execute.CommandResult;
import dev.guestcrypt.agent.execute.CommandRunner;
import dev.guestcrypt.agent.execute.EncryptionProgress;
import dev.guestcrypt.agent.execute.ExecuteError;
import dev.guestcrypt.agent.execute.VolumeCrypto;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * LUKS2 through the {@code cryptsetup} program (2.4 or later), passphrases on stdin
 * ({@code --key-file -}, read as raw bytes). Used where the library bindings are not available.
 */
public final class CryptsetupCli implements VolumeCrypto {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SHORT = Duration.ofMinutes(2);
    private static final Duration INIT = Duration.ofMinutes(10);
    private static final Duration RUN = Duration.ofDays(7);
    private final CommandRunner runner;
    private final List<String> pbkdfArguments;
    private final NativeLuksInit nativeInit;

    /**
     * @param pbkdfArguments extra key-derivation arguments, e.g. {@code --pbkdf pbkdf2 --pbkdf-force-iterations 1000}
     *                       for tests; empty for cryptsetup's defaults (argon2id, benchmarked)
     */
    public CryptsetupCli(CommandRunner runner, List<String> pbkdfArguments, NativeLuksInit nativeInit) {
        this.runner = runner;
        this.pbkdfArguments = List.copyOf(pbkdfArguments);
        this.nativeInit = nativeInit;
    }

    @Override
    public boolean hasLuksHeader(String device, String luksUuid) {
        CommandResult r = runner.run(Command.of(SHORT, "cryptsetup", "luksUUID", device));
        return r.ok() && r.stdout().trim().equalsIgnoreCase(luksUuid);
    }

    /** The header and its token in one step, through libcryptsetup (the program cannot add a token in between). */
    @Override
    public void initEncryptInPlace(String device, String luksUuid, long reduceBytes, SecretBytes passphrase, String tokenJson) {
        nativeInit.inPlace(device, luksUuid, reduceBytes, passphrase, tokenJson);
    }

    @Override
    public void initEncryptDetached(String device, String header, String luksUuid, SecretBytes passphrase, String tokenJson) {
        nativeInit.detached(device, header, luksUuid, passphrase, tokenJson);
    }

    /** Header, keyslot and token through libcryptsetup in one handle. */
    @Override
    public void formatEncrypted(String device, String luksUuid, SecretBytes passphrase, String tokenJson) {
        nativeInit.formatWhole(device, luksUuid, passphrase, tokenJson);
    }

    @Override
    public void backupHeader(String luksPath, String backupFile) {
        runner.run(Command.of(SHORT, "rm", "-f", backupFile));
        Commands.require(runner, Command.of(SHORT, "cryptsetup", "luksHeaderBackup", luksPath, "--header-backup-file", backupFile),
                ExecuteError.LUKS_INIT_FAILED, "copy " + luksPath + " somewhere safe by hand");
    }

    @Override
    public List<String> tokens(String device) {
        JsonNode meta = metadata(device).orElse(null);
        List<String> out = new ArrayList<>();
        if (meta != null) {
            meta.path("tokens").forEach(t -> out.add(t.toString()));
        }
        return out;
    }

    @Override
    public void addToken(String device, String tokenJson) {
        SecretBytes json = SecretBytes.takeFrom(tokenJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (json) {
            Commands.require(runner, new Command(List.of("cryptsetup", "token", "import", device), json, SHORT),
                    ExecuteError.LUKS_INIT_FAILED, "check the LUKS2 header of " + device + " (cryptsetup luksDump)");
        }
    }

    @Override
    public void activate(String device, String header, String name, SecretBytes passphrase) {
        List<String> argv = new ArrayList<>(List.of("cryptsetup", "open", "--type", "luks2", "--key-file", "-"));
        if (header != null) {
            argv.addAll(List.of("--header", header));
        }
        argv.addAll(List.of(device, name));
        Commands.require(runner, new Command(argv, passphrase, INIT), ExecuteError.ACTIVATION_FAILED,
                "check that dm-crypt is available (modprobe dm_crypt) and that " + device + " is the volume's device");
    }

    @Override
    public boolean isActive(String name) {
        return runner.run(Command.of(SHORT, "cryptsetup", "status", name)).ok();
    }

    @Override
    public boolean reencryptionInProgress(String device) {
        return metadata(device).map(CryptsetupCli::reencrypting).orElse(false);
    }

    /** Whether LUKS2 metadata JSON requires (online or offline) re-encryption to finish. */
    public static boolean reencrypting(JsonNode meta) {
        for (JsonNode r : meta.path("config").path("requirements").path("mandatory")) {
            if (r.asText().contains("reencrypt")) {
                return true;
            }
        }
        for (JsonNode s : meta.path("segments")) {
            if (s.path("flags").toString().contains("in-reencryption")) {
                return true;
            }
        }
        return false;
    }

    /** The LUKS2 JSON metadata of {@code device}, or empty when it has no LUKS2 header. */
    public Optional<JsonNode> metadata(String device) {
        CommandResult r = runner.run(Command.of(SHORT, "cryptsetup", "luksDump", "--dump-json-metadata", device));
        if (!r.ok()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(r.stdout()));
        } catch (JsonProcessingException e) {
            throw new AgentException(ExecuteError.COMMAND_FAILED, "cryptsetup printed metadata for " + device + " that is not JSON",
                    "check the installed cryptsetup (2.4 or later is needed)");
        }
    }

    @Override
    public boolean runOnline(String device, String header, String name, SecretBytes passphrase, EncryptionProgress progress) {
        List<String> argv = new ArrayList<>(List.of("cryptsetup", "reencrypt", "--resume-only", "--batch-mode", "--active-name", name,
                "--key-file", "-", "--progress-json", "--progress-frequency", "1"));
        if (header != null) {
            argv.addAll(List.of("--header", header));
        }
        argv.add(device);
        String luksPath = header != null ? header : device;
        boolean[] stopped = {false};
        CommandResult r = runner.stream(new Command(argv, passphrase, RUN), line -> {
            Optional<long[]> p = ProgressLine.parse(line);
            if (p.isPresent() && !progress.onProgress(p.get()[0], p.get()[1], p.get()[2])) {
                stopped[0] = true;
                return false;
            }
            return true;
        });
        if (stopped[0] && reencryptionInProgress(luksPath)) {
            return false;
        }
        if (!r.ok() && reencryptionInProgress(luksPath)) {
            throw new AgentException(ExecuteError.ENCRYPTION_RUN_FAILED, "encrypting " + device + " online (mapping " + name
                    + ") failed (exit " + r.exitCode() + "): " + r.lastLine(),
                    "the encryption resumes where it stopped on the next start of the agent; check 'cryptsetup luksDump " + device + "'");
        }
        return !reencryptionInProgress(luksPath);
    }

    /** cryptsetup's {@code --progress-json} lines: bytes done, total bytes, speed (bytes/s). */
    static final class ProgressLine {
        private ProgressLine() {}

        static Optional<long[]> parse(String line) {
            String t = line.trim();
            if (!t.startsWith("{")) {
                return Optional.empty();
            }
            try {
                JsonNode n = JSON.readTree(t);
                long done = number(n, "device_bytes");
                long total = number(n, "device_size");
                long speed = number(n, "speed");
                return total <= 0 ? Optional.empty() : Optional.of(new long[] {done, total, speed});
            } catch (JsonProcessingException e) {
                return Optional.empty();
            }
        }

        private static long number(JsonNode n, String field) {
            JsonNode v = n.get(field);
            if (v == null) {
                return 0;
            }
            try {
                return v.isNumber() ? v.asLong() : Long.parseLong(v.asText().trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }
}
