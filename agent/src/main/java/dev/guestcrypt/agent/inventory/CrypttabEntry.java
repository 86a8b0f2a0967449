package dev.guestcrypt.agent.inventory;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One line of {@code /etc/crypttab}: {@code name device keyfile options}.
 *
 * @param line    index of the line in the file (0-based)
 */
public record CrypttabEntry(int line, String name, String device, String keyFile, String options) {
    public List<String> optionList() {
        return Arrays.asList(options.split(","));
    }

    /** The value of {@code key=value} option {@code key}, e.g. {@code header}. */
    public Optional<String> option(String key) {
        return optionList().stream().filter(o -> o.startsWith(key + "=")).map(o -> o.substring(key.length() + 1)).findFirst();
    }

    public String render() {
        return String.join(" ", name, device, keyFile, options);
    }
}
