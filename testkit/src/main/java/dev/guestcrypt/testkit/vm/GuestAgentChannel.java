package dev.guestcrypt.testkit.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * The command channel into the guest: qemu-guest-agent on a virtio serial port. Runs programs
 * with stdin, and captures exit code, stdout and stderr (guest-exec / guest-exec-status).
 */
final class GuestAgentChannel extends JsonLineChannel {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    GuestAgentChannel(Path socket) throws IOException {
        super(socket, "qga");
    }

    /** True once the agent answers a sync within the timeout (it may still be starting). */
    boolean sync(Duration timeout) {
        try {
            long id = nextId();
            write(new byte[] {(byte) 0xff}); // flushes any half-parsed input in the agent
            ObjectNode req = JSON.createObjectNode().put("execute", "guest-sync-delimited");
            req.putObject("arguments").put("id", id);
            send(req);
            return awaitMatching(n -> n.path("return").asLong(-1) == id, timeout) != null;
        } catch (IOException e) {
            return false;
        }
    }

    ExecResult exec(List<String> argv, byte[] stdin, Duration timeout) throws IOException {
        ObjectNode args = JSON.createObjectNode().put("path", argv.get(0)).put("capture-output", true);
        ArrayNode arg = args.putArray("arg");
        argv.subList(1, argv.size()).forEach(arg::add);
        if (stdin != null && stdin.length > 0) {
            args.put("input-data", Base64.getEncoder().encodeToString(stdin));
        }
        long pid = call("guest-exec", args, CALL_TIMEOUT).path("pid").asLong();
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 20;
        while (true) {
            JsonNode st = call("guest-exec-status", JSON.createObjectNode().put("pid", pid), CALL_TIMEOUT);
            if (st.path("exited").asBoolean()) {
                int code = st.has("exitcode") ? st.get("exitcode").asInt() : 128 + st.path("signal").asInt();
                return new ExecResult(code, decode(st, "out-data"), decode(st, "err-data"));
            }
            if (System.nanoTime() > deadline) {
                exec(List.of("/bin/kill", "-KILL", Long.toString(pid)), null, Duration.ofSeconds(10));
                throw new IOException("command still running after " + timeout.toSeconds() + " s (killed): " + argv);
            }
            sleep(pauseMillis);
            pauseMillis = Math.min(pauseMillis * 2, 250);
        }
    }

    /** Asks the guest to power off or reboot; the agent does not answer a successful request. */
    void shutdown(String mode) throws IOException {
        ObjectNode req = JSON.createObjectNode().put("execute", "guest-shutdown");
        req.putObject("arguments").put("mode", mode);
        send(req);
    }

    private static byte[] decode(JsonNode st, String field) {
        return st.has(field) ? Base64.getDecoder().decode(st.get(field).asText()) : new byte[0];
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
