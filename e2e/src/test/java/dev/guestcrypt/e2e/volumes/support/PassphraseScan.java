package dev.guestcrypt.e2e.volumes.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Searches whole files (disk images, qcow2 overlays, logs) for secret byte strings. */
public final class PassphraseScan {
    private PassphraseScan() {}

    /** "file @offset: secret #i (first bytes as hex)" for every occurrence; empty when none. */
    public static List<String> occurrences(List<Path> files, List<byte[]> secrets) throws IOException {
        int longest = secrets.stream().mapToInt(s -> s.length).max().orElse(0);
        List<String> found = new ArrayList<>();
        byte[] buf = new byte[(8 << 20) + longest];
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                long base = 0;
                int carry = 0;
                int n;
                while ((n = in.readNBytes(buf, carry, buf.length - carry)) > 0) {
                    int len = carry + n;
                    for (int s = 0; s < secrets.size(); s++) {
                        byte[] needle = secrets.get(s);
                        for (int i = indexOf(buf, len, needle, 0); i >= 0; i = indexOf(buf, len, needle, i + 1)) {
                            found.add(f + " @" + (base + i) + ": secret #" + s + " ("
                                    + HexFormat.of().formatHex(needle, 0, Math.min(4, needle.length)) + "...)");
                        }
                    }
                    carry = Math.min(longest - 1, len);
                    System.arraycopy(buf, len - carry, buf, 0, carry);
                    base += len - carry;
                }
            }
        }
        return found;
    }

    private static int indexOf(byte[] hay, int len, byte[] needle, int from) {
        outer:
        for (int i = from; i <= len - needle.length; i++) {
            if (hay[i] != needle[0]) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
