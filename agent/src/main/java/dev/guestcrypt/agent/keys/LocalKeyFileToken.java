package dev.guestcrypt.agent.keys;

import java.util.List;
import java.util.Objects;

/**
 * The LUKS2 token of a passphrase kept in a local key file (type {@value #TYPE}), for development
 * and recovery only: the file must live somewhere safer than the disk it opens.
 *
 * @param path     absolute path of the key file; its bytes are the passphrase
 * @param sha256   hex SHA-256 of the passphrase, to refuse a file that changed
 * @param keyslots LUKS2 keyslots the passphrase opens
 */
public record LocalKeyFileToken(String path, String sha256, List<Integer> keyslots) implements KeyToken {
    public static final String TYPE = "guestcrypt-local-file";
    public static final int VERSION = 1;

    public LocalKeyFileToken {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        keyslots = List.copyOf(keyslots == null ? List.of() : keyslots);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public LocalKeyFileToken withKeyslots(List<Integer> newKeyslots) {
        return new LocalKeyFileToken(path, sha256, newKeyslots);
    }
}
