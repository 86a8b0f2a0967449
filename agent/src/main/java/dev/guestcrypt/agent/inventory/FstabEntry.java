package dev.guestcrypt.agent.inventory;

import java.util.Arrays;
import java.util.List;

/**
 * One mount line of {@code /etc/fstab}.
 *
 * @param line    index of the line in the file (0-based), so editors can replace exactly it
 * @param spec    what to mount ({@code UUID=..}, {@code LABEL=..}, {@code /dev/..})
 * @param file    mount point
 * @param vfsType file-system type
 * @param options comma-separated options
 * @param freq    dump frequency
 * @param passno  fsck pass
 */
public record FstabEntry(int line, String spec, String file, String vfsType, String options, String freq, String passno) {
    public List<String> optionList() {
        return Arrays.asList(options.split(","));
    }

    public boolean hasOption(String option) {
        return optionList().contains(option);
    }

    /** The line as written back: tab-separated, octal escapes for spaces. */
    public String render() {
        return String.join("\t", escape(spec), escape(file), vfsType, options, freq, passno);
    }

    static String escape(String field) {
        return field.replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011");
    }
}
