package dev.guestcrypt.agent.inventory;

import java.util.Optional;

/**
 * What a LUKS2 header says about a volume.
 *
 * @param uuid                    LUKS UUID
 * @param reencryptionInProgress  the header carries an unfinished (re-)encryption
 * @param guestcryptToken         JSON of the guestcrypt key token, when the header has one
 * @param headerPath              the detached header file, or null when the header is on the device
 */
public record LuksInfo(String uuid, boolean reencryptionInProgress, Optional<String> guestcryptToken, String headerPath) {
    public boolean hasGuestcryptToken() {
        return guestcryptToken.isPresent();
    }
}
