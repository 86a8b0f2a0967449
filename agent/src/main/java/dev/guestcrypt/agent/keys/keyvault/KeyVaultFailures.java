package dev.guestcrypt.agent.keys.keyvault;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.identity.CredentialUnavailableException;
import dev.guestcrypt.agent.error.AgentException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns whatever the SDK threw into an {@link AgentException} with a {@link KeyVaultError} and an
 * actionable message. SDK messages quote only error bodies, never secret values.
 */
final class KeyVaultFailures {
    private static final Pattern INNER_CODE = Pattern.compile("\"innererror\"\\s*:\\s*\\{\\s*\"code\"\\s*:\\s*\"([A-Za-z]+)\"");

    /** Key Vault names the caller's object id in its 403 message: "...;oid=<guid>;...". */
    private static final Pattern OBJECT_ID = Pattern.compile("oid=([0-9a-fA-F-]{36})");

    private KeyVaultFailures() {}

    /** What the agent was doing, for messages and for choosing the code. */
    enum Operation {
        SET_SECRET("secrets", "set", "store the passphrase as a secret", "Key Vault Secrets Officer"),
        GET_SECRET("secrets", "get", "read the secret", "Key Vault Secrets User"),
        GET_KEY("keys", "get", "read the key-encryption key", "Key Vault Crypto Service Encryption User"),
        WRAP_KEY("keys", "wrapKey", "wrap the passphrase with the key-encryption key", "Key Vault Crypto Service Encryption User"),
        UNWRAP_KEY("keys", "unwrapKey", "unwrap the passphrase with the key-encryption key",
                "Key Vault Crypto Service Encryption User");

        final String collection;
        final String permission;
        final String action;
        final String role;

        Operation(String collection, String permission, String action, String role) {
            this.collection = collection;
            this.permission = permission;
            this.action = action;
            this.role = role;
        }
    }

    static AgentException map(Throwable failure, Operation op, VaultAddress vault, KeyVaultCredential credential) {
        if (failure instanceof AgentException agent) {
            return agent;
        }
        String who = credential.describe();
        String where = "vault " + vault.name() + " (" + vault.baseUrl() + ")";
        HttpResponseException http = find(failure, HttpResponseException.class);
        if (http != null && http.getResponse() != null) {
            int status = http.getResponse().getStatusCode();
            String inner = innerCode(http.getMessage());
            switch (status) {
                case 401 -> {
                    return new AgentException(KeyVaultError.KEY_VAULT_UNAUTHENTICATED, "the " + where + " refused the token of "
                            + who + " (401) while trying to " + op.action, "check that the identity belongs to the vault's "
                            + "Entra ID tenant and that the VM's clock is right", failure);
                }
                case 403 -> {
                    if ("SecretDisabled".equals(inner) || "KeyDisabled".equals(inner)) {
                        return new AgentException(op.collection.equals("keys") ? KeyVaultError.KEY_VAULT_KEK_UNUSABLE
                                : KeyVaultError.KEY_VAULT_SECRET_NOT_FOUND, "the " + (op.collection.equals("keys") ? "key" : "secret")
                                + " in " + where + " is disabled, so the agent could not " + op.action,
                                "enable it again in the vault (it may have been disabled on purpose)", failure);
                    }
                    if ("KeyOperationForbidden".equals(inner)) {
                        return new AgentException(KeyVaultError.KEY_VAULT_KEK_UNUSABLE, "the key-encryption key in " + where
                                + " does not allow " + op.permission, "add wrapKey and unwrapKey to the key's permitted operations",
                                failure);
                    }
                    Matcher oid = OBJECT_ID.matcher(http.getMessage() == null ? "" : http.getMessage());
                    String identity = who + (oid.find() ? " (object id " + oid.group(1) + ")" : "");
                    return new AgentException(KeyVaultError.KEY_VAULT_FORBIDDEN, identity + " has no '" + op.permission
                            + "' permission on " + op.collection + " in " + where + " (so it could not " + op.action + ")",
                            "grant it the '" + op.role + "' role on the vault, or an access policy with " + op.collection
                                    + " " + op.permission + (op.collection.equals("secrets") ? ", get and set" : ", get, wrapKey and unwrapKey"),
                            failure);
                }
                case 404 -> {
                    boolean key = op.collection.equals("keys");
                    return new AgentException(key ? KeyVaultError.KEY_VAULT_KEK_UNUSABLE : KeyVaultError.KEY_VAULT_SECRET_NOT_FOUND,
                            "the " + (key ? "key-encryption key" : "secret") + " was not found in " + where + " (404) while "
                                    + "trying to " + op.action, key ? "check KeyEncryptionKeyURL: the key must exist and be enabled"
                                    : "the secret or its version was deleted: recover it from the vault's deleted secrets, "
                                    + "or unlock with a recovery passphrase", failure);
                }
                case 429 -> {
                    return new AgentException(KeyVaultError.KEY_VAULT_THROTTLED, "the " + where + " kept throttling requests "
                            + "(429) after the retries while trying to " + op.action,
                            "retry later; reduce other load on the vault", failure);
                }
                default -> {
                    if (status >= 500) {
                        return new AgentException(KeyVaultError.KEY_VAULT_UNAVAILABLE, "the " + where + " answered " + status
                                + " after the retries while trying to " + op.action, "retry later; check Azure status for "
                                + "Key Vault in the vault's region", failure);
                    }
                    return new AgentException(KeyVaultError.KEY_VAULT_REQUEST_FAILED, "the " + where + " rejected the request "
                            + "to " + op.action + " with status " + status + (inner == null ? "" : " (" + inner + ")"),
                            "check the vault's settings (soft-delete conflicts, firewall, disabled objects)", failure);
                }
            }
        }
        if (find(failure, SSLException.class) != null || find(failure, CertificateException.class) != null) {
            return new AgentException(KeyVaultError.KEY_VAULT_TLS_FAILED, "the TLS certificate of " + where
                    + " is not trusted or does not match its name", "check the VM's CA certificates and that no proxy "
                    + "intercepts TLS to *.vault.azure.net", failure);
        }
        if (find(failure, CredentialUnavailableException.class) != null || find(failure, ClientAuthenticationException.class) != null
                || fromMsal(failure)) {
            return new AgentException(KeyVaultError.KEY_VAULT_UNAUTHENTICATED, "could not get a token for " + who + " to "
                    + op.action + ": " + firstLine(failure.getMessage()), credential instanceof KeyVaultCredential.SystemAssignedIdentity
                    || credential instanceof KeyVaultCredential.UserAssignedIdentity
                    ? "assign that managed identity to the VM and check that IMDS (169.254.169.254) is reachable"
                    : "check the client id, secret or certificate and the tenant of the service principal", failure);
        }
        if (find(failure, UnknownHostException.class) != null) {
            return new AgentException(KeyVaultError.KEY_VAULT_UNAVAILABLE, "cannot resolve the host of " + where,
                    "check the vault name and the VM's DNS (private endpoints need their private DNS zone)", failure);
        }
        if (find(failure, IOException.class) != null || find(failure, TimeoutException.class) != null
                || find(failure, java.io.UncheckedIOException.class) != null) {
            return new AgentException(KeyVaultError.KEY_VAULT_UNAVAILABLE, "the connection to " + where + " failed or timed "
                    + "out after the retries while trying to " + op.action + " (" + rootName(failure) + ")",
                    "check the VM's outbound network, proxy and the vault's firewall", failure);
        }
        return new AgentException(KeyVaultError.KEY_VAULT_REQUEST_FAILED, "could not " + op.action + " in " + where + ": "
                + rootName(failure) + " " + firstLine(failure.getMessage()), "", failure);
    }

    /** Statuses worth another attempt: timeouts, throttling and transient server errors. */
    static boolean isRetryableStatus(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** Failures that another attempt cannot fix: refused credentials and untrusted certificates. */
    static boolean isPermanent(Throwable failure) {
        return failure != null && (find(failure, CredentialUnavailableException.class) != null
                || find(failure, ClientAuthenticationException.class) != null || fromMsal(failure)
                || find(failure, CertificateException.class) != null || find(failure, AgentException.class) != null);
    }

    /** Token acquisition failures surface as MSAL exceptions, sometimes wrapped in plain runtime exceptions. */
    private static boolean fromMsal(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getClass().getName().startsWith("com.microsoft.aad.msal4j.")) {
                return true;
            }
        }
        return false;
    }

    private static String innerCode(String message) {
        if (message == null) {
            return null;
        }
        Matcher m = INNER_CODE.matcher(message);
        return m.find() ? m.group(1) : null;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            for (Throwable s : t.getSuppressed()) {
                if (type.isInstance(s)) {
                    return type.cast(s);
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String rootName(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
