package dev.guestcrypt.agent.settings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guestcrypt.agent.keys.KekAlgorithm;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns ADE's public and protected settings (keys matched case-insensitively, as ADE's callers
 * are not consistent) into {@link EncryptionSettings}, or lists every problem found. Pure: no I/O.
 * The CLI and the desired-state file use the same keys, so all sources share one validation.
 */
public final class SettingsParser {
    public static final String ENCRYPTION_OPERATION = "EncryptionOperation";
    public static final String VOLUME_TYPE = "VolumeType";
    public static final String KEY_VAULT_URL = "KeyVaultURL";
    public static final String KEY_VAULT_RESOURCE_ID = "KeyVaultResourceId";
    public static final String KEK_URL = "KeyEncryptionKeyURL";
    public static final String KEK_VAULT_RESOURCE_ID = "KekVaultResourceId";
    public static final String KEK_ALGORITHM = "KeyEncryptionAlgorithm";
    public static final String AAD_CLIENT_ID = "AADClientID";
    public static final String AAD_CLIENT_CERT_THUMBPRINT = "AADClientCertThumbprint";
    public static final String AAD_CLIENT_SECRET = "AADClientSecret";
    public static final String PASSPHRASE = "Passphrase";
    public static final String MANAGED_IDENTITY = "EncryptionManagedIdentity";
    public static final String DISK_FORMAT_QUERY = "DiskFormatQuery";
    public static final String SEQUENCE_VERSION = "SequenceVersion";
    /** guestcrypt's addition: mount points to limit the operation to. */
    public static final String VOLUMES = "Volumes";

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern KEK_PATH = Pattern.compile("/keys/[0-9A-Za-z-]{1,127}(/[0-9A-Za-z]{1,64})?/?");
    private static final Pattern THUMBPRINT = Pattern.compile("[0-9A-Fa-f:]{40,95}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SettingsParser() {}

    /** Parses ADE's two settings objects (the protected one already decrypted; may be empty). */
    public static SettingsResult parse(Map<String, ?> publicSettings, Map<String, ?> protectedSettings) {
        return parse(publicSettings, protectedSettings, true);
    }

    /**
     * As {@link #parse(Map, Map)}; with {@code requireVault} false a missing vault URL is accepted
     * (for planning, which never touches keys).
     */
    public static SettingsResult parse(Map<String, ?> publicSettings, Map<String, ?> protectedSettings, boolean requireVault) {
        Map<String, Object> pub = caseInsensitive(publicSettings);
        Map<String, Object> prot = caseInsensitive(protectedSettings);
        List<SettingsProblem> problems = new ArrayList<>();
        Reader in = new Reader(problems);

        EncryptionOperation operation = null;
        String opText = in.text(pub, ENCRYPTION_OPERATION);
        if (opText == null) {
            problems.add(new SettingsProblem(SettingsError.OPERATION_MISSING, "the setting " + ENCRYPTION_OPERATION + " is missing",
                    "set " + ENCRYPTION_OPERATION + " to one of " + operationNames()));
        } else {
            operation = EncryptionOperation.fromAde(opText).orElse(null);
            if (operation == null) {
                problems.add(new SettingsProblem(SettingsError.OPERATION_UNKNOWN, ENCRYPTION_OPERATION + " '" + opText + "' is not supported",
                        "use one of " + operationNames()));
            }
        }
        boolean needsVault = requireVault && operation != null && operation.enables();

        VolumeSelection volumeType = null;
        String vtText = in.text(pub, VOLUME_TYPE);
        if (vtText != null) {
            volumeType = VolumeSelection.fromAde(vtText).orElse(null);
            if (volumeType == null) {
                problems.add(new SettingsProblem(SettingsError.VOLUME_TYPE_INVALID, VOLUME_TYPE + " '" + vtText + "' is not valid",
                        "use OS, Data or All"));
            }
        } else if (operation != null && operation != EncryptionOperation.QUERY_ENCRYPTION_STATUS) {
            problems.add(new SettingsProblem(SettingsError.VOLUME_TYPE_INVALID, "the setting " + VOLUME_TYPE + " is missing",
                    "set " + VOLUME_TYPE + " to OS, Data or All"));
        }

        String vaultUrl = null;
        String vaultText = in.text(pub, KEY_VAULT_URL);
        if (vaultText == null) {
            if (needsVault) {
                problems.add(new SettingsProblem(SettingsError.KEY_VAULT_URL_MISSING, "the setting " + KEY_VAULT_URL + " is missing",
                        "set " + KEY_VAULT_URL + " to the vault's URL, e.g. https://myvault.vault.azure.net"));
            }
        } else {
            vaultUrl = vaultUrl(vaultText, problems);
        }
        String vaultResourceId = in.text(pub, KEY_VAULT_RESOURCE_ID);
        checkResourceId(KEY_VAULT_RESOURCE_ID, vaultResourceId, vaultUrl, problems);

        String kekUrl = in.text(pub, KEK_URL);
        if (kekUrl != null) {
            kekUrl = kekUrl(kekUrl, problems);
        }
        String kekResourceId = in.text(pub, KEK_VAULT_RESOURCE_ID);
        checkResourceId(KEK_VAULT_RESOURCE_ID, kekResourceId, kekUrl == null ? null : origin(kekUrl), problems);

        KekAlgorithm algorithm = null;
        String algText = in.text(pub, KEK_ALGORITHM);
        if (kekUrl != null) {
            algorithm = KekAlgorithm.RSA_OAEP;
            if (algText != null) {
                algorithm = KekAlgorithm.fromWireName(algText).orElse(null);
                if (algorithm == null) {
                    problems.add(new SettingsProblem(SettingsError.KEK_ALGORITHM_UNKNOWN, KEK_ALGORITHM + " '" + algText + "' is not recognised",
                            "use RSA-OAEP (the default), RSA-OAEP-256 or RSA1_5"));
                }
            }
        }

        SecretBytes clientSecret = in.secret(prot, AAD_CLIENT_SECRET);
        SecretBytes passphrase = in.secret(prot, PASSPHRASE);
        IdentitySetting identity = identity(in, pub, clientSecret != null, problems);

        List<FormatTarget> formatTargets = formatTargets(pub.get(DISK_FORMAT_QUERY), problems);
        if (operation == EncryptionOperation.ENABLE_ENCRYPTION_FORMAT && formatTargets.isEmpty()
                && problems.stream().noneMatch(p -> p.code() == SettingsError.DISK_FORMAT_QUERY_INVALID)) {
            problems.add(new SettingsProblem(SettingsError.DISK_FORMAT_QUERY_MISSING,
                    "EnableEncryptionFormat needs " + DISK_FORMAT_QUERY + " but it is missing or empty",
                    "set " + DISK_FORMAT_QUERY + " to a JSON list of {\"dev\":..,\"name\":..,\"file_system\":..,\"mount_point\":..}, or use EnableEncryption"));
        }
        List<String> volumes = volumes(pub.get(VOLUMES), problems);
        String sequence = in.text(pub, SEQUENCE_VERSION);

        if (!problems.isEmpty()) {
            if (clientSecret != null) {
                clientSecret.close();
            }
            if (passphrase != null) {
                passphrase.close();
            }
            return new SettingsResult(null, problems);
        }
        return new SettingsResult(new EncryptionSettings(operation, volumeType, vaultUrl, vaultResourceId, kekUrl, kekResourceId,
                algorithm, identity, clientSecret, passphrase, formatTargets, volumes, sequence), List.of());
    }

    private static IdentitySetting identity(Reader in, Map<String, Object> pub, boolean hasSecret, List<SettingsProblem> problems) {
        String clientId = in.text(pub, AAD_CLIENT_ID);
        String thumbprint = in.text(pub, AAD_CLIENT_CERT_THUMBPRINT);
        String managed = in.text(pub, MANAGED_IDENTITY);
        if (clientId != null) {
            String cleaned = clientId.replaceAll("[\u201c\u201d\"]", "").trim();
            if (!GUID.matcher(cleaned).matches()) {
                problems.add(new SettingsProblem(SettingsError.AAD_CLIENT_ID_INVALID, AAD_CLIENT_ID + " '" + clientId + "' is not a GUID",
                        "set it to the application (client) id, nnnnnnnn-nnnn-nnnn-nnnn-nnnnnnnnnnnn"));
                return new IdentitySetting.SystemAssigned();
            }
            if (managed != null) {
                problems.add(new SettingsProblem(SettingsError.CREDENTIALS_CONFLICT, "both " + AAD_CLIENT_ID + " and " + MANAGED_IDENTITY + " are set",
                        "keep one: a service principal (" + AAD_CLIENT_ID + ") or a managed identity (" + MANAGED_IDENTITY + ")"));
            }
            if (hasSecret && thumbprint != null) {
                problems.add(new SettingsProblem(SettingsError.CREDENTIALS_CONFLICT, "both " + AAD_CLIENT_SECRET + " and " + AAD_CLIENT_CERT_THUMBPRINT + " are set",
                        "keep one of the two"));
            } else if (hasSecret) {
                return new IdentitySetting.ClientSecret(cleaned);
            } else if (thumbprint != null) {
                if (!THUMBPRINT.matcher(thumbprint.trim()).matches()) {
                    problems.add(new SettingsProblem(SettingsError.CREDENTIALS_INCOMPLETE, AAD_CLIENT_CERT_THUMBPRINT + " '" + thumbprint
                            + "' is not a SHA-1 thumbprint", "set it to the 40 hex digits of the certificate's thumbprint"));
                }
                return new IdentitySetting.ClientCertificate(cleaned, thumbprint.trim());
            } else {
                problems.add(new SettingsProblem(SettingsError.CREDENTIALS_INCOMPLETE, AAD_CLIENT_ID + " '" + cleaned
                        + "' is set without " + AAD_CLIENT_SECRET + " or " + AAD_CLIENT_CERT_THUMBPRINT,
                        "add the client secret (protected settings) or the certificate thumbprint, or remove " + AAD_CLIENT_ID
                                + " to use the VM's managed identity"));
            }
            return new IdentitySetting.ClientSecret(cleaned);
        }
        if (managed == null || managed.equalsIgnoreCase("system") || managed.isBlank()) {
            return new IdentitySetting.SystemAssigned();
        }
        int eq = managed.indexOf('=');
        String kind = eq > 0 ? managed.substring(0, eq).trim().toLowerCase(Locale.ROOT) : "";
        String value = eq > 0 ? managed.substring(eq + 1).trim() : managed.trim();
        boolean ok = switch (kind) {
            case "client_id", "object_id" -> GUID.matcher(value).matches();
            case "mi_res_id", "msi_res_id", "res_id" -> value.toLowerCase(Locale.ROOT).startsWith("/subscriptions/");
            case "" -> GUID.matcher(value).matches() || value.toLowerCase(Locale.ROOT).startsWith("/subscriptions/");
            default -> false;
        };
        if (!ok) {
            problems.add(new SettingsProblem(SettingsError.MANAGED_IDENTITY_INVALID, MANAGED_IDENTITY + " '" + managed + "' is not valid",
                    "use system, client_id=<guid>, object_id=<guid> or mi_res_id=/subscriptions/.../userAssignedIdentities/<name>"));
        }
        return new IdentitySetting.UserAssigned(managed.trim());
    }

    private static String vaultUrl(String text, List<SettingsProblem> problems) {
        URI uri = uri(text);
        if (uri == null || !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getHost().isBlank()
                || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
            problems.add(new SettingsProblem(SettingsError.KEY_VAULT_URL_INVALID, KEY_VAULT_URL + " '" + text
                    + "' is not an https vault URL", "use the vault's URI as shown in the portal, e.g. https://myvault.vault.azure.net/"));
            return null;
        }
        return "https://" + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    private static String kekUrl(String text, List<SettingsProblem> problems) {
        URI uri = uri(text);
        if (uri == null || !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getPath() == null
                || !KEK_PATH.matcher(uri.getPath()).matches()) {
            problems.add(new SettingsProblem(SettingsError.KEK_URL_INVALID, KEK_URL + " '" + text + "' is not a Key Vault key URL",
                    "use https://<vault>.vault.azure.net/keys/<name>[/<version>]"));
            return null;
        }
        String path = uri.getPath().endsWith("/") ? uri.getPath().substring(0, uri.getPath().length() - 1) : uri.getPath();
        return "https://" + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + path;
    }

    private static String origin(String url) {
        URI uri = uri(url);
        return uri == null ? null : "https://" + uri.getHost();
    }

    /** An ARM vault id must end with the vault named in the URL (a common copy-paste mistake). */
    private static void checkResourceId(String key, String resourceId, String vaultUrl, List<SettingsProblem> problems) {
        if (resourceId == null) {
            return;
        }
        String lower = resourceId.toLowerCase(Locale.ROOT);
        int at = lower.indexOf("/providers/microsoft.keyvault/vaults/");
        if (!lower.startsWith("/subscriptions/") || at < 0) {
            problems.add(new SettingsProblem(SettingsError.RESOURCE_ID_MISMATCH, key + " '" + resourceId + "' is not a Key Vault resource id",
                    "use /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>"));
            return;
        }
        String vaultName = lower.substring(at + "/providers/microsoft.keyvault/vaults/".length()).replaceAll("/.*", "");
        URI uri = vaultUrl == null ? null : uri(vaultUrl);
        if (uri != null && uri.getHost() != null && !uri.getHost().toLowerCase(Locale.ROOT).startsWith(vaultName + ".")) {
            problems.add(new SettingsProblem(SettingsError.RESOURCE_ID_MISMATCH, key + " names the vault '" + vaultName
                    + "' but the URL is " + vaultUrl, "make the resource id and the URL name the same vault"));
        }
    }

    private static List<FormatTarget> formatTargets(Object raw, List<SettingsProblem> problems) {
        if (raw == null || (raw instanceof String s && s.isBlank())) {
            return List.of();
        }
        JsonNode node;
        try {
            node = raw instanceof String s ? JSON.readTree(s) : JSON.valueToTree(raw);
        } catch (JsonProcessingException e) {
            problems.add(new SettingsProblem(SettingsError.DISK_FORMAT_QUERY_INVALID, DISK_FORMAT_QUERY + " is not valid JSON ("
                    + e.getOriginalMessage() + ")", "write it as a JSON list of {\"dev\":..,\"name\":..,\"file_system\":..,\"mount_point\":..}"));
            return List.of();
        }
        List<FormatTarget> targets = new ArrayList<>();
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else {
            items.add(node);
        }
        for (JsonNode item : items) {
            // ADE writes "dev_path"; "dev" is accepted too.
            String dev = item.path("dev").asText(item.path("dev_path").asText("")).trim();
            String mountPoint = item.path("mount_point").asText("").trim();
            String fs = item.path("file_system").asText("").trim();
            if (!item.isObject() || !dev.startsWith("/dev/") || (!mountPoint.isEmpty() && !mountPoint.startsWith("/"))
                    || (!fs.isEmpty() && !List.of("ext4", "ext3", "ext2", "xfs", "btrfs").contains(fs.toLowerCase(Locale.ROOT)))) {
                problems.add(new SettingsProblem(SettingsError.DISK_FORMAT_QUERY_INVALID, DISK_FORMAT_QUERY + " entry " + item
                        + " is not valid", "each entry needs \"dev\" (/dev/...), an absolute \"mount_point\" and a \"file_system\" of ext4, ext3, ext2, xfs or btrfs"));
                continue;
            }
            // No file_system: the volume keeps its current type (ADE's ext4 default was for blank disks).
            targets.add(new FormatTarget(dev, item.path("name").asText("").trim(), fs.toLowerCase(Locale.ROOT), mountPoint));
        }
        return targets;
    }

    private static List<String> volumes(Object raw, List<SettingsProblem> problems) {
        if (raw == null) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        if (raw instanceof List<?> list) {
            list.forEach(v -> items.add(String.valueOf(v).trim()));
        } else {
            Arrays.stream(String.valueOf(raw).split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(items::add);
        }
        List<String> out = new ArrayList<>();
        for (String item : items) {
            if (!item.startsWith("/") || item.contains("..") || item.contains("\n")) {
                problems.add(new SettingsProblem(SettingsError.VOLUMES_INVALID, "the volume '" + item + "' is not an absolute mount point",
                        "list mount points such as /data,/srv"));
                continue;
            }
            String normalised = item.length() > 1 && item.endsWith("/") ? item.substring(0, item.length() - 1) : item;
            if (!out.contains(normalised)) {
                out.add(normalised);
            }
        }
        return out;
    }

    private static URI uri(String text) {
        try {
            return new URI(text.trim());
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String operationNames() {
        return String.join(", ", Arrays.stream(EncryptionOperation.values()).map(EncryptionOperation::adeName).toList());
    }

    private static Map<String, Object> caseInsensitive(Map<String, ?> source) {
        Map<String, Object> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (source != null) {
            map.putAll(source);
        }
        return map;
    }

    /** Reads values, reporting values that are not text. */
    private record Reader(List<SettingsProblem> problems) {
        String text(Map<String, Object> map, String key) {
            Object value = map.get(key);
            if (value == null) {
                return null;
            }
            if (!(value instanceof String s)) {
                problems.add(new SettingsProblem(SettingsError.VALUE_NOT_TEXT, "the setting " + key + " is " + value.getClass().getSimpleName()
                        + ", not text", "write " + key + " as a JSON string"));
                return null;
            }
            return s.isBlank() ? null : s.trim();
        }

        SecretBytes secret(Map<String, Object> map, String key) {
            Object value = map.get(key);
            if (!(value instanceof String s) || s.isEmpty()) {
                if (value != null && !(value instanceof String)) {
                    problems.add(new SettingsProblem(SettingsError.VALUE_NOT_TEXT, "the protected setting " + key + " is not text",
                            "write " + key + " as a JSON string"));
                }
                return null;
            }
            return SecretBytes.takeFrom(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
