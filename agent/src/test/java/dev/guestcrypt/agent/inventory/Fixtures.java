package dev.guestcrypt.agent.inventory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The Azure-like machine of the fixture files: OS disk, resource disk, data disks, a BEK volume. */
public final class Fixtures {
    private Fixtures() {}

    public static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/inventory/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static final String TOKEN = "{\"type\":\"guestcrypt-azure-kv\",\"keyslots\":[\"0\"]}";

    /** sdb is the resource disk (as /dev/disk/azure/resource says); sdd carries a finished guestcrypt volume. */
    public static Inventory azureVm() {
        return new Inventory(LsblkParser.parse(text("lsblk-azure.json")), MountInfoParser.parse(text("mountinfo")),
                TabFiles.parseFstab(text("fstab")), TabFiles.parseCrypttab(text("crypttab")), Set.of("sdb"),
                Map.of("sdd", new LuksInfo("44444444-4444-4444-4444-444444444444", false, Optional.of(TOKEN), null)),
                Map.of("/data", 500L << 20, "/srv", 1L << 30, "/lv", 600L << 20, "/xfsdata", 900L << 20));
    }
}
