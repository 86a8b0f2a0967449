package dev.guestcrypt.agent.inventory;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code /etc/fstab} and {@code /etc/crypttab}. Comments, blank lines and lines the parser
 * does not understand are kept by index, so editors can write the file back unchanged around the
 * one line they replace.
 */
public final class TabFiles {
    private TabFiles() {}

    public static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    public static List<FstabEntry> parseFstab(String text) {
        List<FstabEntry> entries = new ArrayList<>();
        List<String> lines = lines(text);
        for (int i = 0; i < lines.size(); i++) {
            String[] f = fields(lines.get(i));
            if (f.length < 3) {
                continue;
            }
            entries.add(new FstabEntry(i, MountInfoParser.unescape(f[0]), MountInfoParser.unescape(f[1]), f[2],
                    f.length > 3 ? f[3] : "defaults", f.length > 4 ? f[4] : "0", f.length > 5 ? f[5] : "0"));
        }
        return entries;
    }

    public static List<CrypttabEntry> parseCrypttab(String text) {
        List<CrypttabEntry> entries = new ArrayList<>();
        List<String> lines = lines(text);
        for (int i = 0; i < lines.size(); i++) {
            String[] f = fields(lines.get(i));
            if (f.length < 2) {
                continue;
            }
            entries.add(new CrypttabEntry(i, f[0], f[1], f.length > 2 ? f[2] : "none", f.length > 3 ? f[3] : ""));
        }
        return entries;
    }

    private static String[] fields(String line) {
        String trimmed = line.trim();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return new String[0];
        }
        return trimmed.split("\\s+");
    }
}
