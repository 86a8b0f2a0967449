package dev.guestcrypt.testkit.vm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** qemu's machine protocol (QMP): power cut, abrupt reset, disk hot-plug. */
final class QmpChannel extends JsonLineChannel {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    QmpChannel(Path socket) throws IOException {
        super(socket, "qmp");
        if (awaitMatching(n -> n.has("QMP"), TIMEOUT) == null) {
            throw new IOException("qemu sent no QMP greeting on " + socket);
        }
        call("qmp_capabilities", null, TIMEOUT);
    }

    JsonNode execute(String command, JsonNode arguments) throws IOException {
        return call(command, arguments, TIMEOUT);
    }

    /** Sends a command whose effect may end qemu before it answers (system_reset under -no-reboot). */
    void executeNoWait(String command) throws IOException {
        send(JSON.createObjectNode().put("execute", command).put("id", nextId()));
    }
}
