package dev.guestcrypt.testkit.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest-agent wire protocol against a scripted peer on a real unix socket: answers are
 * matched by id (a late answer to an earlier request is skipped), exec output is decoded
 * byte for byte, the 0xff resync byte is ignored, and agent errors surface with their text.
 */
class GuestAgentChannelTest {
    @TempDir
    Path dir;
    private ServerSocketChannel server;
    private Thread peer;

    /** Starts a peer that answers each request line with what the function returns (lines). */
    private Path startPeer(Function<JsonNode, String> answer) throws IOException {
        Path sock = dir.resolve("qga.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        peer = new Thread(() -> {
            try (SocketChannel c = server.accept();
                 BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.ISO_8859_1));
                 OutputStream out = Channels.newOutputStream(c)) {
                String line;
                while ((line = in.readLine()) != null) {
                    line = line.replace("\u00ff", "");
                    if (line.isBlank()) {
                        continue;
                    }
                    out.write(answer.apply(JsonLineChannel.JSON.readTree(line)).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            } catch (IOException ignored) {
                // test over
            }
        });
        peer.setDaemon(true);
        peer.start();
        return sock;
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void execDecodesExitCodeStdoutStderrAndSendsStdin() throws Exception {
        byte[] binary = {0, 1, (byte) 0xfe, (byte) 0xff, '\n'};
        Path sock = startPeer(req -> {
            long id = req.path("id").asLong();
            return switch (req.path("execute").asText()) {
                case "guest-sync-delimited" -> "\u00ff{\"return\": " + req.path("arguments").path("id").asLong() + "}\n";
                case "guest-exec" -> {
                    String stdin = new String(Base64.getDecoder().decode(req.path("arguments").path("input-data").asText()));
                    assertThat(stdin).isEqualTo("secret-on-stdin");
                    assertThat(req.path("arguments").path("arg").get(0).asText()).isEqualTo("cat");
                    // a stale answer to some earlier request first: must be skipped
                    yield "{\"return\": {\"pid\": 999}, \"id\": " + (id - 100) + "}\n{\"return\": {\"pid\": 42}, \"id\": " + id + "}\n";
                }
                case "guest-exec-status" -> {
                    assertThat(req.path("arguments").path("pid").asLong()).isEqualTo(42);
                    yield "{\"return\": {\"exited\": true, \"exitcode\": 3, \"out-data\": \""
                            + Base64.getEncoder().encodeToString(binary) + "\", \"err-data\": \""
                            + Base64.getEncoder().encodeToString("oops\n".getBytes()) + "\"}, \"id\": " + id + "}\n";
                }
                default -> "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"nope\"}, \"id\": " + id + "}\n";
            };
        });
        try (GuestAgentChannel ch = new GuestAgentChannel(sock)) {
            assertThat(ch.sync(Duration.ofSeconds(5))).isTrue();
            ExecResult r = ch.exec(List.of("/bin/sh", "cat"), "secret-on-stdin".getBytes(), Duration.ofSeconds(5));
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.stdoutBytes()).isEqualTo(binary);
            assertThat(r.stderr()).isEqualTo("oops\n");
            assertThatThrownBy(() -> ch.call("guest-unknown", null, Duration.ofSeconds(5)))
                    .isInstanceOf(IOException.class).hasMessageContaining("guest-unknown failed: nope");
        }
    }

    @Test
    void aSilentAgentTimesOutInsteadOfHanging() throws Exception {
        Path sock = startPeer(req -> "");
        try (GuestAgentChannel ch = new GuestAgentChannel(sock)) {
            long start = System.nanoTime();
            assertThat(ch.sync(Duration.ofMillis(300))).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThatThrownBy(() -> ch.call("guest-ping", null, Duration.ofMillis(300)))
                    .isInstanceOf(IOException.class).hasMessageContaining("guest-ping: no answer");
        }
    }
}
