package dev.guestcrypt.e2e.volumes.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** The qemu guest agent's JSON protocol over the host end of its virtio-serial port. */
final class GuestAgentChannel implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SocketChannel channel;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private GuestAgentChannel(SocketChannel channel) {
        this.channel = channel;
    }

    /** Connects and synchronises; null when the guest agent does not answer within {@code wait}. */
    static GuestAgentChannel tryConnect(Path socket, Duration wait) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            GuestAgentChannel c = new GuestAgentChannel(ch);
            long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            ObjectNode sync = JSON.createObjectNode().put("execute", "guest-sync");
            sync.putObject("arguments").put("id", id);
            c.send(sync);
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                JsonNode reply = c.readReply(deadline);
                if (reply != null && reply.path("return").asLong() == id) {
                    return c;
                }
            }
            ch.close();
            return null;
        } catch (IOException e) {
            ch.close();
            return null;
        }
    }

    /** Starts {@code /bin/sh -c script} with {@code stdin} and waits for it; null timeout = wait forever. */
    ExecResult exec(String script, byte[] stdin, Duration timeout) throws IOException, InterruptedException {
        ObjectNode cmd = JSON.createObjectNode().put("execute", "guest-exec");
        ObjectNode args = cmd.putObject("arguments").put("path", "/bin/sh").put("capture-output", true);
        args.putArray("arg").add("-c").add(script);
        if (stdin != null) {
            args.put("input-data", Base64.getEncoder().encodeToString(stdin));
        }
        long pid = call(cmd).path("pid").asLong();
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        ObjectNode status = JSON.createObjectNode().put("execute", "guest-exec-status");
        status.putObject("arguments").put("pid", pid);
        long sleep = 50;
        while (true) {
            JsonNode s = call(status);
            if (s.path("exited").asBoolean()) {
                return new ExecResult(s.path("exitcode").asInt(s.has("signal") ? 128 + s.path("signal").asInt() : -1),
                        decode(s.path("out-data").asText("")), decode(s.path("err-data").asText("")));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("guest command did not finish in " + timeout + ": " + script);
            }
            Thread.sleep(sleep);
            sleep = Math.min(500, sleep * 2);
        }
    }

    private JsonNode call(ObjectNode command) throws IOException {
        send(command);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode reply = readReply(deadline);
        if (reply == null) {
            throw new IOException("guest agent did not answer " + command.path("execute").asText());
        }
        if (reply.has("error")) {
            throw new IOException("guest agent refused " + command.path("execute").asText() + ": " + reply.get("error"));
        }
        return reply.path("return");
    }

    private void send(JsonNode command) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap((JSON.writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    private JsonNode readReply(long deadlineNanos) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        while (true) {
            byte[] bytes = pending.toByteArray();
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    String line = new String(bytes, 0, i, StandardCharsets.UTF_8).replace("\u00ff", "").trim();
                    pending.reset();
                    pending.write(bytes, i + 1, bytes.length - i - 1);
                    if (line.startsWith("{")) {
                        return JSON.readTree(line);
                    }
                    bytes = pending.toByteArray();
                    i = -1;
                }
            }
            if (System.nanoTime() > deadlineNanos) {
                return null;
            }
            buf.clear();
            int n = channel.read(buf);
            if (n < 0) {
                throw new IOException("guest agent channel closed");
            }
            if (n == 0) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            } else {
                pending.write(buf.array(), 0, n);
            }
        }
    }

    private static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
