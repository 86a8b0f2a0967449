package dev.guestcrypt.agent.keys.keyvault;

import dev.guestcrypt.agent.error.AgentException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A checked vault URL. Only Azure Key Vault and Managed HSM hosts of the public, China and US
 * Government clouds (and the retired German cloud) are accepted, over HTTPS: a token or a
 * passphrase must never be sent anywhere else, so this check runs before any credential is used.
 *
 * @param baseUrl       {@code https://host[:port]} without trailing slash
 * @param host          lower-case host name
 * @param authorityHost the Entra ID authority of the vault's cloud
 */
record VaultAddress(String baseUrl, String host, String authorityHost) {
    private static final Pattern VAULT_NAME = Pattern.compile("^[a-z0-9](?:[a-z0-9-]{1,22})[a-z0-9]$");
    private static final Pattern OBJECT_NAME = Pattern.compile("^[0-9a-zA-Z-]{1,127}$");
    private static final Pattern VERSION = Pattern.compile("^[0-9a-fA-F]{32}$");

    /** Suffix to the Entra ID authority host of its cloud. */
    private static final List<String[]> CLOUDS = List.of(
            new String[] {".vault.azure.net", "https://login.microsoftonline.com/"},
            new String[] {".managedhsm.azure.net", "https://login.microsoftonline.com/"},
            new String[] {".vault.azure.cn", "https://login.chinacloudapi.cn/"},
            new String[] {".managedhsm.azure.cn", "https://login.chinacloudapi.cn/"},
            new String[] {".vault.usgovcloudapi.net", "https://login.microsoftonline.us/"},
            new String[] {".managedhsm.usgovcloudapi.net", "https://login.microsoftonline.us/"},
            new String[] {".vault.microsoftazure.de", "https://login.microsoftonline.de/"});

    /** The vault's name, the first label of its host. */
    String name() {
        return host.substring(0, host.indexOf('.'));
    }

    /** Parses a vault URL such as {@code https://myvault.vault.azure.net/}. */
    static VaultAddress parseVault(String url, String what) {
        URI uri = parse(url, what);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!path.isEmpty() && !path.equals("/")) {
            throw refused(url, what, "it has a path ('" + path + "'); a vault URL names only the vault");
        }
        VaultAddress vault = of(uri, url, what);
        if (vault.isManagedHsm()) {
            throw refused(url, what, "a Managed HSM holds keys only, not secrets; keep the passphrase secrets in a key vault "
                    + "and use the Managed HSM key as the key-encryption key");
        }
        return vault;
    }

    boolean isManagedHsm() {
        return host.contains(".managedhsm.");
    }

    /** A parsed key URL: vault, key name and version (null when versionless). */
    record KeyAddress(VaultAddress vault, String name, String version) {
        String id() {
            return vault.baseUrl() + "/keys/" + name + (version == null ? "" : "/" + version);
        }
    }

    /** Parses a KEK URL {@code https://v.vault.azure.net/keys/<name>[/<version>]}. */
    static KeyAddress parseKey(String url, String what) {
        URI uri = parse(url, what);
        VaultAddress vault = of(uri, url, what);
        String[] parts = (uri.getRawPath() == null ? "" : uri.getRawPath()).replaceAll("^/+|/+$", "").split("/+");
        if (parts.length < 2 || parts.length > 3 || !parts[0].equals("keys") || !OBJECT_NAME.matcher(parts[1]).matches()
                || (parts.length == 3 && !VERSION.matcher(parts[2]).matches())) {
            throw refused(url, what, "it is not of the form https://<vault>/keys/<name>[/<32-hex-version>]");
        }
        return new KeyAddress(vault, parts[1], parts.length == 3 ? parts[2].toLowerCase(Locale.ROOT) : null);
    }

    private static VaultAddress of(URI uri, String url, String what) {
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw refused(url, what, "it does not use https");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw refused(url, what, "it carries user info, a query or a fragment");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        for (String[] cloud : CLOUDS) {
            if (host.endsWith(cloud[0])) {
                String name = host.substring(0, host.length() - cloud[0].length());
                if (!VAULT_NAME.matcher(name).matches()) {
                    throw refused(url, what, "'" + name + "' is not a valid vault name (3-24 letters, digits and dashes)");
                }
                String base = "https://" + host + (uri.getPort() > 0 && uri.getPort() != 443 ? ":" + uri.getPort() : "");
                return new VaultAddress(base, host, cloud[1]);
            }
        }
        throw refused(url, what, "the host '" + host + "' is not an Azure Key Vault or Managed HSM host");
    }

    private static URI parse(String url, String what) {
        if (url == null || url.isBlank()) {
            throw refused(String.valueOf(url), what, "it is empty");
        }
        try {
            return new URI(url.trim());
        } catch (URISyntaxException e) {
            throw refused(url, what, "it is not a valid URL (" + e.getReason() + ")");
        }
    }

    private static AgentException refused(String url, String what, String why) {
        return new AgentException(KeyVaultError.KEY_VAULT_URL_REFUSED, "the " + what + " '" + url + "' is refused: " + why
                + "; nothing was sent", "use a URL like https://<vault>.vault.azure.net (or .vault.azure.cn, "
                + ".vault.usgovcloudapi.net, <hsm>.managedhsm.azure.net), as shown on the vault's overview page");
    }
}
