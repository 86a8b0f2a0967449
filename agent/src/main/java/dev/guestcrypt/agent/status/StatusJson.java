package dev.guestcrypt.agent.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The JSON form of {@link Status} (status.json, {@code status --json}). */
public final class StatusJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusJson() {}

    public static String toJson(Status status) {
        ObjectNode root = JSON.createObjectNode();
        root.put("time", status.time().toString());
        ObjectNode ade = root.putObject("ade");
        ade.put("os", status.os());
        ade.put("data", status.data());
        ArrayNode volumes = root.putArray("volumes");
        for (VolumeStatus v : status.volumes()) {
            ObjectNode n = volumes.addObject();
            n.put("mountPoint", v.mountPoint());
            n.put("device", v.device());
            n.put("mapperName", v.mapperName());
            n.put("state", v.state().adeName());
            n.put("percent", v.percent());
            n.put("mibPerSec", v.mibPerSec());
            n.put("etaSeconds", v.etaSeconds());
            n.put("errorCode", v.errorCode());
            n.put("error", v.error());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Status fromJson(String text) {
        try {
            JsonNode root = JSON.readTree(text);
            List<VolumeStatus> volumes = new ArrayList<>();
            for (JsonNode n : root.path("volumes")) {
                VolumeState state = VolumeState.NOT_ENCRYPTED;
                for (VolumeState s : VolumeState.values()) {
                    if (s.adeName().equals(n.path("state").asText())) {
                        state = s;
                    }
                }
                volumes.add(new VolumeStatus(n.path("mountPoint").asText(), n.path("device").asText(), n.path("mapperName").asText(),
                        state, n.path("percent").asDouble(-1), n.path("mibPerSec").asDouble(0), n.path("etaSeconds").asLong(-1),
                        n.path("errorCode").asText(""), n.path("error").asText("")));
            }
            return new Status(Instant.parse(root.path("time").asText()), volumes, root.path("ade").path("os").asText("NotEncrypted"),
                    root.path("ade").path("data").asText("NotMounted"));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("status file is not valid: " + e.getMessage(), e);
        }
    }
}
