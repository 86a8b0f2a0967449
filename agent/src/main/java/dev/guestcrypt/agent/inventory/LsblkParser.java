package dev.guestcrypt.agent.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code lsblk -J -b -o NAME,KNAME,PATH,TYPE,SIZE,FSTYPE,UUID,LABEL,MAJ:MIN,MOUNTPOINTS,HCTL,RO}
 * (tree form). A device that sits on several parents (LVM over two PVs, RAID) appears once per
 * parent in the tree; the result lists it once with all its parents.
 */
public final class LsblkParser {
    /** The columns the parser expects; pass them to lsblk. */
    public static final String COLUMNS = "NAME,KNAME,PATH,TYPE,SIZE,FSTYPE,UUID,LABEL,MAJ:MIN,MOUNTPOINTS,HCTL,RO";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LsblkParser() {}

    public static List<BlockDevice> parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("lsblk output is not JSON: " + e.getOriginalMessage(), e);
        }
        Map<String, BlockDevice> byName = new LinkedHashMap<>();
        for (JsonNode node : root.path("blockdevices")) {
            walk(node, null, byName);
        }
        return List.copyOf(byName.values());
    }

    private static void walk(JsonNode node, String parent, Map<String, BlockDevice> byName) {
        String kname = text(node, "kname");
        if (kname.isEmpty()) {
            kname = text(node, "name");
        }
        BlockDevice existing = byName.get(kname);
        if (existing != null) {
            byName.put(kname, existing.withParent(parent));
        } else {
            List<String> mounts = new ArrayList<>();
            JsonNode mp = node.has("mountpoints") ? node.get("mountpoints") : node.get("mountpoint");
            if (mp != null && mp.isArray()) {
                mp.forEach(m -> {
                    if (!m.isNull() && !m.asText().isEmpty()) {
                        mounts.add(m.asText());
                    }
                });
            } else if (mp != null && !mp.isNull() && !mp.asText().isEmpty()) {
                mounts.add(mp.asText());
            }
            String path = text(node, "path");
            byName.put(kname, new BlockDevice(kname, path.isEmpty() ? "/dev/" + text(node, "name") : path, text(node, "type"),
                    node.path("size").asLong(0), text(node, "fstype"), text(node, "uuid"), text(node, "label"),
                    text(node, "maj:min"), mounts, parent == null ? List.of() : List.of(parent), text(node, "hctl"),
                    node.path("ro").asBoolean(false) || "1".equals(node.path("ro").asText())));
        }
        for (JsonNode child : node.path("children")) {
            walk(child, kname, byName);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText();
    }
}
