package dev.guestcrypt.testkit.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** The Key Vault data plane on the HTTPS listener: auth challenge, secrets, keys and RSA operations. */
final class VaultApi {
    private static final Pattern NAME = Pattern.compile("^[0-9a-zA-Z-]{1,127}$");
    private static final List<String> CRYPTO_OPS = List.of("wrapkey", "unwrapkey", "encrypt", "decrypt");
    private final KvEmulator emulator;

    VaultApi(KvEmulator emulator) {
        this.emulator = emulator;
    }

    /** The challenge resource of a vault host: its parent domain, as the real service says. */
    static String resourceFor(String host) {
        int dot = host.indexOf('.');
        return "https://" + (dot < 0 ? host : host.substring(dot + 1));
    }

    void handle(HttpExchange ex, Request request) throws IOException {
        String host = HttpIo.host(ex);
        String resource = resourceFor(host);
        TokenService.Claims claims = authenticate(ex, resource);
        if (claims == null) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/"
                    + emulator.tenantId() + "\", resource=\"" + resource + "\"");
            HttpIo.kvError(ex, 401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.", null);
            return;
        }
        request.identity = claims.objectId();
        if (!emulator.knowsVaultHost(host)) {
            HttpIo.kvError(ex, 404, "VaultNotFound", "No vault is served at " + host + ".", null);
            return;
        }
        List<String> seg = HttpIo.segments(ex);
        String method = ex.getRequestMethod();
        String base = HttpIo.baseUrl(ex);
        synchronized (emulator) {
            EmulatorState.Vault vault = emulator.vault(host);
            if (seg.isEmpty()) {
                HttpIo.kvError(ex, 400, "BadParameter", "Unknown request " + method + " /", null);
                return;
            }
            if (host.contains(".managedhsm.") && seg.get(0).contains("secrets")) {
                HttpIo.kvError(ex, 400, "BadParameter", "Managed HSM does not support secrets.", null);
                return;
            }
            switch (seg.get(0)) {
                case "secrets" -> secrets(ex, vault, host, base, seg, method, claims);
                case "deletedsecrets" -> deletedSecrets(ex, vault, host, base, seg, method, claims);
                case "keys" -> keys(ex, vault, host, base, seg, method, claims);
                case "deletedkeys" -> deletedKeys(ex, vault, host, base, seg, method, claims);
                default -> HttpIo.kvError(ex, 400, "BadParameter", "Unknown collection '" + seg.get(0) + "'.", null);
            }
        }
    }

    private TokenService.Claims authenticate(HttpExchange ex, String resource) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        TokenService.Claims claims = emulator.tokens().verify(header.substring(7).trim(), emulator.now());
        if (claims == null || !stripSlash(claims.audience()).equalsIgnoreCase(resource)) {
            return null;
        }
        return claims;
    }

    // ---- secrets ----

    private void secrets(HttpExchange ex, EmulatorState.Vault vault, String host, String base, List<String> seg,
                         String method, TokenService.Claims who) throws IOException {
        if (seg.size() == 1 && method.equals("GET")) {
            if (!allowed(ex, vault, host, who, "secrets", "list")) {
                return;
            }
            ArrayNode items = HttpIo.JSON.createArrayNode();
            vault.secrets.forEach((name, item) -> {
                if (item.deletedDate == null && item.latest() != null) {
                    items.add(secretItem(base + "/secrets/" + name, item.latest()));
                }
            });
            page(ex, items);
            return;
        }
        String name = seg.get(1);
        if (!NAME.matcher(name).matches()) {
            HttpIo.kvError(ex, 400, "BadParameter", "The secret name '" + name + "' is invalid: use 1-127 letters, digits and dashes.", null);
            return;
        }
        EmulatorState.Item<EmulatorState.SecretVersion> item = vault.secrets.get(name);
        if (seg.size() == 2 && method.equals("PUT")) {
            if (!allowed(ex, vault, host, who, "secrets", "set")) {
                return;
            }
            if (item != null && item.deletedDate != null) {
                HttpIo.kvError(ex, 409, "Conflict", "Secret " + name + " is currently in a deleted but recoverable state, and its name "
                        + "cannot be reused; in this state, the secret can only be recovered or purged.", "ObjectIsDeletedButRecoverable");
                return;
            }
            JsonNode body = HttpIo.jsonBody(ex);
            if (!body.path("value").isTextual()) {
                HttpIo.kvError(ex, 400, "BadParameter", "The request has no secret 'value'.", null);
                return;
            }
            EmulatorState.SecretVersion version = new EmulatorState.SecretVersion();
            version.version = newVersion();
            version.value = body.path("value").asText();
            version.contentType = body.path("contentType").isTextual() ? body.path("contentType").asText() : null;
            body.path("tags").fields().forEachRemaining(e -> version.tags.put(e.getKey(), e.getValue().asText()));
            version.enabled = body.path("attributes").path("enabled").asBoolean(true);
            version.created = version.updated = emulator.now().getEpochSecond();
            if (item == null) {
                item = new EmulatorState.Item<>();
                vault.secrets.put(name, item);
            }
            item.versions.add(version);
            emulator.persist();
            HttpIo.json(ex, 200, secretBundle(base, name, version, true));
            return;
        }
        if (item == null || item.deletedDate != null) {
            HttpIo.kvError(ex, 404, "SecretNotFound", "A secret with (name/id) " + name + " was not found in this key vault. "
                    + "If you recently deleted this secret you may be able to recover it using the correct recovery command.", null);
            return;
        }
        if (seg.size() == 2 && method.equals("DELETE")) {
            if (!allowed(ex, vault, host, who, "secrets", "delete")) {
                return;
            }
            item.deletedDate = emulator.now().getEpochSecond();
            emulator.persist();
            HttpIo.json(ex, 200, deletedSecret(base, name, item));
            return;
        }
        if (seg.size() == 3 && seg.get(2).equals("versions") && method.equals("GET")) {
            if (!allowed(ex, vault, host, who, "secrets", "list")) {
                return;
            }
            ArrayNode items = HttpIo.JSON.createArrayNode();
            item.versions.forEach(v -> items.add(secretItem(base + "/secrets/" + name + "/" + v.version, v)));
            page(ex, items);
            return;
        }
        if (seg.size() == 3 && method.equals("PATCH")) {
            if (!allowed(ex, vault, host, who, "secrets", "set")) {
                return;
            }
            EmulatorState.SecretVersion version = findVersion(item.versions, seg.get(2));
            if (version == null) {
                HttpIo.kvError(ex, 404, "SecretNotFound", "A secret with (name/id) " + name + "/" + seg.get(2)
                        + " was not found in this key vault.", null);
                return;
            }
            JsonNode body = HttpIo.jsonBody(ex);
            if (body.path("attributes").has("enabled")) {
                version.enabled = body.path("attributes").path("enabled").asBoolean();
            }
            if (body.path("contentType").isTextual()) {
                version.contentType = body.path("contentType").asText();
            }
            if (body.path("tags").isObject()) {
                version.tags.clear();
                body.path("tags").fields().forEachRemaining(e -> version.tags.put(e.getKey(), e.getValue().asText()));
            }
            version.updated = emulator.now().getEpochSecond();
            emulator.persist();
            HttpIo.json(ex, 200, secretBundle(base, name, version, false));
            return;
        }
        if ((seg.size() == 2 || seg.size() == 3) && method.equals("GET")) {
            if (!allowed(ex, vault, host, who, "secrets", "get")) {
                return;
            }
            EmulatorState.SecretVersion version = seg.size() == 2 ? item.latest() : findVersion(item.versions, seg.get(2));
            if (version == null) {
                HttpIo.kvError(ex, 404, "SecretNotFound", "A secret with (name/id) " + name + "/" + seg.get(2)
                        + " was not found in this key vault.", null);
                return;
            }
            if (!version.enabled) {
                HttpIo.kvError(ex, 403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled");
                return;
            }
            HttpIo.json(ex, 200, secretBundle(base, name, version, true));
            return;
        }
        HttpIo.kvError(ex, 405, "BadParameter", "Method " + method + " is not supported here.", null);
    }

    private void deletedSecrets(HttpExchange ex, EmulatorState.Vault vault, String host, String base, List<String> seg,
                                String method, TokenService.Claims who) throws IOException {
        EmulatorState.Item<EmulatorState.SecretVersion> item = seg.size() > 1 ? vault.secrets.get(seg.get(1)) : null;
        if (item == null || item.deletedDate == null) {
            HttpIo.kvError(ex, 404, "SecretNotFound", "Deleted Secret not found", null);
            return;
        }
        String name = seg.get(1);
        if (seg.size() == 2 && method.equals("GET") && allowed(ex, vault, host, who, "secrets", "get")) {
            HttpIo.json(ex, 200, deletedSecret(base, name, item));
        } else if (seg.size() == 2 && method.equals("DELETE") && allowed(ex, vault, host, who, "secrets", "purge")) {
            vault.secrets.remove(name);
            emulator.persist();
            HttpIo.send(ex, 204, null, new byte[0]);
        } else if (seg.size() == 3 && seg.get(2).equals("recover") && method.equals("POST")
                && allowed(ex, vault, host, who, "secrets", "recover")) {
            item.deletedDate = null;
            emulator.persist();
            HttpIo.json(ex, 200, secretBundle(base, name, item.latest(), false));
        }
    }

    private ObjectNode secretBundle(String base, String name, EmulatorState.SecretVersion v, boolean withValue) {
        ObjectNode node = HttpIo.JSON.createObjectNode();
        if (withValue) {
            node.put("value", v.value);
        }
        node.put("id", base + "/secrets/" + name + "/" + v.version);
        if (v.contentType != null) {
            node.put("contentType", v.contentType);
        }
        ObjectNode tags = node.putObject("tags");
        v.tags.forEach(tags::put);
        attributes(node.putObject("attributes"), v.enabled, v.created, v.updated);
        return node;
    }

    private ObjectNode secretItem(String id, EmulatorState.SecretVersion v) {
        ObjectNode node = HttpIo.JSON.createObjectNode();
        node.put("id", id);
        if (v.contentType != null) {
            node.put("contentType", v.contentType);
        }
        ObjectNode tags = node.putObject("tags");
        v.tags.forEach(tags::put);
        attributes(node.putObject("attributes"), v.enabled, v.created, v.updated);
        return node;
    }

    private ObjectNode deletedSecret(String base, String name, EmulatorState.Item<EmulatorState.SecretVersion> item) {
        ObjectNode node = secretBundle(base, name, item.latest(), false);
        node.put("recoveryId", base + "/deletedsecrets/" + name);
        node.put("deletedDate", item.deletedDate);
        node.put("scheduledPurgeDate", item.deletedDate + 90L * 86400);
        return node;
    }

    // ---- keys ----

    private void keys(HttpExchange ex, EmulatorState.Vault vault, String host, String base, List<String> seg, String method,
                      TokenService.Claims who) throws IOException {
        if (seg.size() == 1 && method.equals("GET")) {
            if (!allowed(ex, vault, host, who, "keys", "list")) {
                return;
            }
            ArrayNode items = HttpIo.JSON.createArrayNode();
            vault.keys.forEach((name, item) -> {
                if (item.deletedDate == null && item.latest() != null) {
                    items.add(keyItem(base + "/keys/" + name, item.latest()));
                }
            });
            page(ex, items);
            return;
        }
        String name = seg.get(1);
        if (!NAME.matcher(name).matches()) {
            HttpIo.kvError(ex, 400, "BadParameter", "The key name '" + name + "' is invalid: use 1-127 letters, digits and dashes.", null);
            return;
        }
        EmulatorState.Item<EmulatorState.KeyVersion> item = vault.keys.get(name);
        String last = seg.get(seg.size() - 1);
        if (seg.size() == 3 && (last.equals("create") || last.equals("rotate")) && method.equals("POST")) {
            if (!allowed(ex, vault, host, who, "keys", last)) {
                return;
            }
            createKey(ex, vault, base, name, item, last.equals("rotate"));
            return;
        }
        if (item == null || item.deletedDate != null) {
            HttpIo.kvError(ex, 404, "KeyNotFound", "A key with (name/id) " + name + " was not found in this key vault. "
                    + "If you recently deleted this key you may be able to recover it using the correct recovery command.", null);
            return;
        }
        if (method.equals("POST") && CRYPTO_OPS.contains(last) && (seg.size() == 3 || seg.size() == 4)) {
            EmulatorState.KeyVersion key = seg.size() == 3 ? item.latest() : findVersion(item.versions, seg.get(2));
            crypto(ex, vault, host, base, name, key, last, who);
            return;
        }
        if (seg.size() == 2 && method.equals("DELETE")) {
            if (!allowed(ex, vault, host, who, "keys", "delete")) {
                return;
            }
            item.deletedDate = emulator.now().getEpochSecond();
            emulator.persist();
            ObjectNode node = keyBundle(base, name, item.latest());
            node.put("recoveryId", base + "/deletedkeys/" + name);
            node.put("deletedDate", item.deletedDate);
            node.put("scheduledPurgeDate", item.deletedDate + 90L * 86400);
            HttpIo.json(ex, 200, node);
            return;
        }
        if (seg.size() == 3 && last.equals("versions") && method.equals("GET")) {
            if (!allowed(ex, vault, host, who, "keys", "list")) {
                return;
            }
            ArrayNode items = HttpIo.JSON.createArrayNode();
            item.versions.forEach(v -> items.add(keyItem(base + "/keys/" + name + "/" + v.version, v)));
            page(ex, items);
            return;
        }
        if ((seg.size() == 2 || seg.size() == 3) && method.equals("GET")) {
            if (!allowed(ex, vault, host, who, "keys", "get")) {
                return;
            }
            EmulatorState.KeyVersion key = seg.size() == 2 ? item.latest() : findVersion(item.versions, seg.get(2));
            if (key == null) {
                HttpIo.kvError(ex, 404, "KeyNotFound", "A key with (name/id) " + name + "/" + seg.get(2)
                        + " was not found in this key vault.", null);
                return;
            }
            HttpIo.json(ex, 200, keyBundle(base, name, key));
            return;
        }
        HttpIo.kvError(ex, 405, "BadParameter", "Method " + method + " is not supported here.", null);
    }

    private void createKey(HttpExchange ex, EmulatorState.Vault vault, String base, String name,
                           EmulatorState.Item<EmulatorState.KeyVersion> item, boolean rotate) throws IOException {
        JsonNode body = rotate ? HttpIo.JSON.createObjectNode() : HttpIo.jsonBody(ex);
        EmulatorState.KeyVersion previous = item == null ? null : item.latest();
        if (rotate && previous == null) {
            HttpIo.kvError(ex, 404, "KeyNotFound", "A key with (name/id) " + name + " was not found in this key vault.", null);
            return;
        }
        if (item != null && item.deletedDate != null) {
            HttpIo.kvError(ex, 409, "Conflict", "Key " + name + " is currently in a deleted but recoverable state.",
                    "ObjectIsDeletedButRecoverable");
            return;
        }
        String kty = rotate ? previous.kty : body.path("kty").asText("RSA");
        if (!kty.equals("RSA") && !kty.equals("RSA-HSM")) {
            HttpIo.kvError(ex, 400, "BadParameter", "Key type '" + kty + "' is not supported by this emulator; use RSA or RSA-HSM.", null);
            return;
        }
        int size = rotate ? previous.keySize : body.path("key_size").asInt(0) == 0 ? 2048 : body.path("key_size").asInt();
        if (!RsaKeys.SIZES.contains(size)) {
            HttpIo.kvError(ex, 400, "BadParameter", "RSA key size " + size + " is not supported; use 2048, 3072 or 4096.", null);
            return;
        }
        long exponent = body.path("public_exponent").asLong(0);
        EmulatorState.KeyVersion key = new EmulatorState.KeyVersion();
        try {
            KeyPair pair = RsaKeys.generate(size, BigInteger.valueOf(exponent == 0 ? 65537 : exponent));
            key.privateKey = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
            key.publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        } catch (GeneralSecurityException e) {
            HttpIo.kvError(ex, 400, "BadParameter", "Cannot create the key: " + e.getMessage(), null);
            return;
        }
        key.version = newVersion();
        key.kty = kty;
        key.keySize = size;
        if (rotate) {
            key.keyOps = new ArrayList<>(previous.keyOps);
        } else if (body.has("key_ops")) {
            body.path("key_ops").forEach(op -> key.keyOps.add(op.asText()));
        } else {
            key.keyOps = new ArrayList<>(RsaKeys.ALL_OPS);
        }
        body.path("tags").fields().forEachRemaining(e -> key.tags.put(e.getKey(), e.getValue().asText()));
        key.enabled = body.path("attributes").path("enabled").asBoolean(true);
        key.created = key.updated = emulator.now().getEpochSecond();
        if (item == null) {
            item = new EmulatorState.Item<>();
            vault.keys.put(name, item);
        }
        item.versions.add(key);
        emulator.persist();
        HttpIo.json(ex, 200, keyBundle(base, name, key));
    }

    private void crypto(HttpExchange ex, EmulatorState.Vault vault, String host, String base, String name,
                        EmulatorState.KeyVersion key, String pathOp, TokenService.Claims who) throws IOException {
        String op = switch (pathOp) {
            case "wrapkey" -> "wrapKey";
            case "unwrapkey" -> "unwrapKey";
            default -> pathOp;
        };
        if (!allowed(ex, vault, host, who, "keys", op)) {
            return;
        }
        if (key == null) {
            HttpIo.kvError(ex, 404, "KeyNotFound", "A key with (name/id) " + name + " and that version was not found in this key vault.", null);
            return;
        }
        if (!key.enabled) {
            HttpIo.kvError(ex, 403, "Forbidden", "Operation " + op + " is not allowed on a disabled key.", "KeyDisabled");
            return;
        }
        if (!key.keyOps.contains(op)) {
            HttpIo.kvError(ex, 403, "Forbidden", "Operation " + op + " is not permitted on this key; its key_ops are " + key.keyOps + ".",
                    "KeyOperationForbidden");
            return;
        }
        JsonNode body = HttpIo.jsonBody(ex);
        String alg = body.path("alg").asText("");
        if (!RsaKeys.knownAlgorithm(alg)) {
            HttpIo.kvError(ex, 400, "BadParameter", "Algorithm '" + alg + "' is not supported; use RSA1_5, RSA-OAEP or RSA-OAEP-256.", null);
            return;
        }
        byte[] input;
        try {
            input = Base64.getUrlDecoder().decode(body.path("value").asText("").replace('+', '-').replace('/', '_').replace("=", ""));
        } catch (IllegalArgumentException e) {
            HttpIo.kvError(ex, 400, "BadParameter", "The 'value' is not base64url.", null);
            return;
        }
        byte[] output;
        try {
            output = RsaKeys.apply(key, op, alg, input);
        } catch (GeneralSecurityException e) {
            HttpIo.kvError(ex, 400, "BadParameter", "The " + op + " operation failed: " + e.getClass().getSimpleName(), null);
            return;
        }
        ObjectNode node = HttpIo.JSON.createObjectNode();
        node.put("kid", base + "/keys/" + name + "/" + key.version);
        node.put("value", Base64.getUrlEncoder().withoutPadding().encodeToString(output));
        HttpIo.json(ex, 200, node);
    }

    private void deletedKeys(HttpExchange ex, EmulatorState.Vault vault, String host, String base, List<String> seg,
                             String method, TokenService.Claims who) throws IOException {
        EmulatorState.Item<EmulatorState.KeyVersion> item = seg.size() > 1 ? vault.keys.get(seg.get(1)) : null;
        if (item == null || item.deletedDate == null) {
            HttpIo.kvError(ex, 404, "KeyNotFound", "Deleted Key not found", null);
            return;
        }
        String name = seg.get(1);
        if (seg.size() == 2 && method.equals("GET") && allowed(ex, vault, host, who, "keys", "get")) {
            ObjectNode node = keyBundle(base, name, item.latest());
            node.put("recoveryId", base + "/deletedkeys/" + name);
            node.put("deletedDate", item.deletedDate);
            node.put("scheduledPurgeDate", item.deletedDate + 90L * 86400);
            HttpIo.json(ex, 200, node);
        } else if (seg.size() == 2 && method.equals("DELETE") && allowed(ex, vault, host, who, "keys", "purge")) {
            vault.keys.remove(name);
            emulator.persist();
            HttpIo.send(ex, 204, null, new byte[0]);
        } else if (seg.size() == 3 && seg.get(2).equals("recover") && method.equals("POST")
                && allowed(ex, vault, host, who, "keys", "recover")) {
            item.deletedDate = null;
            emulator.persist();
            HttpIo.json(ex, 200, keyBundle(base, name, item.latest()));
        }
    }

    private ObjectNode keyBundle(String base, String name, EmulatorState.KeyVersion key) throws IOException {
        ObjectNode node = HttpIo.JSON.createObjectNode();
        try {
            node.set("key", RsaKeys.jwk(key, base + "/keys/" + name + "/" + key.version));
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        ObjectNode attributes = attributes(node.putObject("attributes"), key.enabled, key.created, key.updated);
        attributes.put("exportable", false);
        ObjectNode tags = node.putObject("tags");
        key.tags.forEach(tags::put);
        return node;
    }

    private ObjectNode keyItem(String kid, EmulatorState.KeyVersion key) {
        ObjectNode node = HttpIo.JSON.createObjectNode();
        node.put("kid", kid);
        attributes(node.putObject("attributes"), key.enabled, key.created, key.updated);
        ObjectNode tags = node.putObject("tags");
        key.tags.forEach(tags::put);
        return node;
    }

    // ---- shared ----

    private boolean allowed(HttpExchange ex, EmulatorState.Vault vault, String host, TokenService.Claims who,
                            String collection, String operation) throws IOException {
        List<String> granted = vault.permissions.get(who.objectId());
        if (granted == null || granted.contains(collection + "/" + operation) || granted.contains(collection + "/*")) {
            return true;
        }
        String vaultName = host.contains(".") ? host.substring(0, host.indexOf('.')) : host;
        HttpIo.kvError(ex, 403, "Forbidden", "The user, group or application 'appid=" + who.appId() + ";oid=" + who.objectId()
                + ";iss=https://sts.windows.net/" + emulator.tenantId() + "/' does not have " + collection + " " + operation
                + " permission on key vault '" + vaultName + ";location=emulator'. For help resolving this issue, please see "
                + "https://go.microsoft.com/fwlink/?linkid=2125287", "AccessDenied");
        return false;
    }

    private static void page(HttpExchange ex, ArrayNode items) throws IOException {
        ObjectNode node = HttpIo.JSON.createObjectNode();
        node.set("value", items);
        node.putNull("nextLink");
        HttpIo.json(ex, 200, node);
    }

    private static ObjectNode attributes(ObjectNode node, boolean enabled, long created, long updated) {
        node.put("enabled", enabled);
        node.put("created", created);
        node.put("updated", updated);
        node.put("recoveryLevel", "Recoverable+Purgeable");
        node.put("recoverableDays", 90);
        return node;
    }

    private static <V> V findVersion(List<V> versions, String version) {
        for (Iterator<V> it = versions.iterator(); it.hasNext(); ) {
            V v = it.next();
            String id = v instanceof EmulatorState.SecretVersion s ? s.version : ((EmulatorState.KeyVersion) v).version;
            if (id.equalsIgnoreCase(version)) {
                return v;
            }
        }
        return null;
    }

    private static String newVersion() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** What the emulator logs about one request. */
    static final class Request {
        String identity;
    }

}
