package dev.guestcrypt.agent.settings;

import java.util.Objects;

/**
 * Who the agent is towards Key Vault, as the settings say it. The composition root turns it into
 * a Key Vault credential; the client secret itself travels separately in {@link EncryptionSettings}.
 */
public sealed interface IdentitySetting {
    /** The VM's system-assigned managed identity: the default. */
    record SystemAssigned() implements IdentitySetting {}

    /** A user-assigned managed identity in ADE's form ({@code client_id=..}, {@code object_id=..}, {@code mi_res_id=..}). */
    record UserAssigned(String adeForm) implements IdentitySetting {
        public UserAssigned {
            Objects.requireNonNull(adeForm, "adeForm");
        }
    }

    /** A service principal with a client secret ({@code AADClientID} + {@code AADClientSecret}). */
    record ClientSecret(String clientId) implements IdentitySetting {}

    /** A service principal with a certificate the guest agent delivered ({@code AADClientCertThumbprint}). */
    record ClientCertificate(String clientId, String thumbprint) implements IdentitySetting {}
}
