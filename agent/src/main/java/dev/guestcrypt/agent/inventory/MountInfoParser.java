package dev.guestcrypt.agent.inventory;

import java.util.ArrayList;
import java.util.List;

/** Parses {@code /proc/self/mountinfo} (see proc(5)); octal escapes such as {@code \040} are decoded. */
public final class MountInfoParser {
    private MountInfoParser() {}

    public static List<MountEntry> parse(String text) {
        List<MountEntry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    dash = i;
                    break;
                }
            }
            if (f.length < 10 || dash < 0 || dash + 3 > f.length) {
                throw new IllegalArgumentException("unexpected mountinfo line: " + line);
            }
            entries.add(new MountEntry(f[2], unescape(f[3]), unescape(f[4]), f[5], f[dash + 1], unescape(f[dash + 2]),
                    dash + 3 < f.length ? f[dash + 3] : ""));
        }
        return entries;
    }

    /** Decodes the kernel's octal escapes (space, tab, newline, backslash). */
    public static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 4 <= field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
