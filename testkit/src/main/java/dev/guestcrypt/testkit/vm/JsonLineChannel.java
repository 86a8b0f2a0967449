package dev.guestcrypt.testkit.vm;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One JSON object per line over a unix socket, as qemu's QMP monitor and guest agent speak.
 * A reader thread parses every line into a queue; requests carry an "id" and the matching
 * answer is picked out, so a late answer to an earlier, timed-out request is never mistaken.
 */
class JsonLineChannel implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel socket;
    private final BlockingQueue<JsonNode> incoming = new LinkedBlockingQueue<>();
    private final AtomicLong ids = new AtomicLong(System.nanoTime() & 0xffffff);
    private final Thread reader;
    private volatile boolean closed;

    JsonLineChannel(Path socketPath, String name) throws IOException {
        socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        socket.connect(UnixDomainSocketAddress.of(socketPath));
        reader = new Thread(this::readLoop, name + "-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (!closed && socket.read(buf.clear()) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    if (b == (byte) 0xff) { // guest-sync-delimited marker: resets the stream
                        line.reset();
                    } else if (b == '\n') {
                        String text = line.toString(StandardCharsets.UTF_8).strip();
                        line.reset();
                        if (!text.isEmpty()) {
                            try {
                                incoming.add(JSON.readTree(text));
                            } catch (IOException ignored) {
                                // a half line left over from before a resync
                            }
                        }
                    } else {
                        line.write(b);
                    }
                }
            }
        } catch (IOException e) {
            // socket closed: callers time out or see closed
        }
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    synchronized void send(ObjectNode request) throws IOException {
        write((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    synchronized void write(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            socket.write(b);
        }
    }

    /** Sends a command and waits for the answer carrying its id; returns its "return" value. */
    JsonNode call(String command, JsonNode arguments, Duration timeout) throws IOException {
        long id = nextId();
        ObjectNode req = JSON.createObjectNode().put("execute", command);
        if (arguments != null) {
            req.set("arguments", arguments);
        }
        req.put("id", id);
        send(req);
        JsonNode answer = awaitMatching(n -> n.path("id").asLong(-1) == id, timeout);
        if (answer == null) {
            throw new IOException(command + ": no answer within " + timeout.toSeconds() + " s");
        }
        if (answer.has("error")) {
            throw new IOException(command + " failed: " + answer.get("error").path("desc").asText(answer.toString()));
        }
        return answer.path("return");
    }

    /** Waits for a message matching the test, dropping others; null on timeout. */
    JsonNode awaitMatching(java.util.function.Predicate<JsonNode> test, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                JsonNode n = incoming.poll(left, TimeUnit.NANOSECONDS);
                if (n != null && test.test(n)) {
                    return n;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
