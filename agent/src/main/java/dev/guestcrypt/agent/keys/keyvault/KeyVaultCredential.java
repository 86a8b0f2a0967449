package dev.guestcrypt.agent.keys.keyvault;

import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/** How the agent proves who it is to Key Vault. Nothing here is sent before the vault URL is checked. */
public sealed interface KeyVaultCredential {

    /** Short description for messages, never containing a secret, e.g. {@code user-assigned identity client_id=...}. */
    String describe();

    /** The VM's system-assigned managed identity (IMDS). */
    record SystemAssignedIdentity() implements KeyVaultCredential {
        @Override
        public String describe() {
            return "the VM's system-assigned managed identity";
        }
    }

    /** How a user-assigned identity is named, as in ADE's {@code EncryptionManagedIdentity}. */
    enum IdentityIdKind {
        CLIENT_ID("client_id"),
        OBJECT_ID("object_id"),
        RESOURCE_ID("res_id");

        private final String adeName;

        IdentityIdKind(String adeName) {
            this.adeName = adeName;
        }

        public String adeName() {
            return adeName;
        }
    }

    /** A user-assigned managed identity attached to the VM. */
    record UserAssignedIdentity(IdentityIdKind kind, String id) implements KeyVaultCredential {
        public UserAssignedIdentity {
            Objects.requireNonNull(kind, "kind");
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("a user-assigned identity needs an id");
            }
        }

        /**
         * Parses ADE's {@code EncryptionManagedIdentity}: {@code client_id=<guid>},
         * {@code object_id=<guid>}, {@code res_id=</subscriptions/...>} (also {@code mi_res_id=},
         * {@code msi_res_id=}), or a bare id: an ARM path is a resource id, anything else a client id.
         */
        public static UserAssignedIdentity parseAde(String value) {
            String text = Objects.requireNonNull(value, "value").trim();
            int eq = text.indexOf('=');
            if (eq > 0 && !text.startsWith("/")) {
                String kind = text.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String id = text.substring(eq + 1).trim();
                return switch (kind) {
                    case "client_id", "clientid" -> new UserAssignedIdentity(IdentityIdKind.CLIENT_ID, id);
                    case "object_id", "objectid" -> new UserAssignedIdentity(IdentityIdKind.OBJECT_ID, id);
                    case "res_id", "mi_res_id", "msi_res_id", "resource_id" ->
                            new UserAssignedIdentity(IdentityIdKind.RESOURCE_ID, id);
                    default -> throw new IllegalArgumentException("unknown identity kind '" + kind
                            + "' in EncryptionManagedIdentity; use client_id=, object_id= or res_id=");
                };
            }
            return new UserAssignedIdentity(text.startsWith("/") ? IdentityIdKind.RESOURCE_ID : IdentityIdKind.CLIENT_ID, text);
        }

        @Override
        public String describe() {
            return "the user-assigned managed identity " + kind.adeName() + "=" + id;
        }
    }

    /**
     * A service principal with a client secret (ADE's {@code AADClientID} + {@code AADClientSecret}).
     *
     * @param tenantId null to take the tenant from the vault's authentication challenge, as ADE does
     */
    record ServicePrincipalSecret(String clientId, SecretBytes clientSecret, String tenantId) implements KeyVaultCredential {
        public ServicePrincipalSecret {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
        }

        @Override
        public String describe() {
            return "the service principal " + clientId + " (client secret)";
        }
    }

    /**
     * A service principal with a certificate (ADE's {@code AADClientID} + {@code AADClientCertThumbprint}):
     * the guest agent keeps it as {@code <dir>/<THUMBPRINT>.crt} and {@code .prv}.
     *
     * @param certificateDirectory usually {@code /var/lib/waagent}
     * @param tenantId             null to take the tenant from the vault's authentication challenge
     */
    record ServicePrincipalCertificate(String clientId, String thumbprint, Path certificateDirectory, String tenantId)
            implements KeyVaultCredential {
        public static final Path WAAGENT_DIRECTORY = Path.of("/var/lib/waagent");

        public ServicePrincipalCertificate {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(thumbprint, "thumbprint");
            thumbprint = thumbprint.replace(":", "").trim().toUpperCase(Locale.ROOT);
            certificateDirectory = certificateDirectory == null ? WAAGENT_DIRECTORY : certificateDirectory;
        }

        public Path certificateFile() {
            return certificateDirectory.resolve(thumbprint + ".crt");
        }

        public Path privateKeyFile() {
            return certificateDirectory.resolve(thumbprint + ".prv");
        }

        @Override
        public String describe() {
            return "the service principal " + clientId + " (certificate " + thumbprint + ")";
        }
    }
}
