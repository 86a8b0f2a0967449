package dev.guestcrypt.agent.plan;

import java.util.Locale;
import java.util.Set;

/** Mapper names {@code gc-<label>}: the label comes from the mount point, so people recognise it. */
public final class MapperNames {
    public static final String PREFIX = "gc-";

    private MapperNames() {}

    /** {@code /data} -> {@code gc-data}, {@code /srv/www} -> {@code gc-srv-www}; unique among {@code taken}. */
    public static String forMountPoint(String mountPoint, String fallback, Set<String> taken) {
        String label = mountPoint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (label.isEmpty()) {
            label = fallback.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        }
        if (label.length() > 40) {
            label = label.substring(0, 40);
        }
        String name = PREFIX + label;
        int n = 2;
        while (taken.contains(name)) {
            name = PREFIX + label + "-" + n++;
        }
        return name;
    }
}
