package dev.guestcrypt.testkit.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plain-HTTP listener: the IMDS managed-identity token endpoint, its App Service flavour
 * ({@code X-IDENTITY-HEADER}), and the emulator's management API under {@code /emulator/}.
 */
final class TokenApi {
    private final KvEmulator emulator;

    TokenApi(KvEmulator emulator) {
        this.emulator = emulator;
    }

    void handle(HttpExchange ex, VaultApi.Request request) throws IOException {
        String path = HttpIo.normalisedPath(ex);
        if (path.equals("/metadata/identity/oauth2/token") && ex.getRequestMethod().equals("GET")) {
            token(ex, request);
        } else if (path.startsWith("/emulator/")) {
            manage(ex, path.substring("/emulator/".length()));
        } else {
            HttpIo.oauthError(ex, 404, "not_found", "No such endpoint: " + path);
        }
    }

    private void token(HttpExchange ex, VaultApi.Request request) throws IOException {
        Map<String, String> q = HttpIo.query(ex);
        String identityHeader = ex.getRequestHeaders().getFirst("X-IDENTITY-HEADER");
        if (identityHeader != null) {
            if (!identityHeader.equals(emulator.appServiceSecret())) {
                HttpIo.oauthError(ex, 401, "invalid_request", "X-IDENTITY-HEADER is not the expected value.");
                return;
            }
        } else if (!"true".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Metadata"))) {
            HttpIo.oauthError(ex, 400, "invalid_request", "Required metadata header not specified");
            return;
        }
        String resource = q.get("resource");
        if (resource == null || resource.isBlank()) {
            HttpIo.oauthError(ex, 400, "invalid_request", "Required query variable 'resource' is missing");
            return;
        }
        EmulatorState.IdentityRecord identity;
        synchronized (emulator) {
            identity = emulator.managedIdentity(q.get("client_id"), q.get("object_id"),
                    q.getOrDefault("msi_res_id", q.get("mi_res_id")));
        }
        if (identity == null) {
            HttpIo.oauthError(ex, 400, "invalid_request", "Identity not found");
            return;
        }
        request.identity = identity.objectId;
        Instant now = emulator.now();
        ObjectNode body = HttpIo.JSON.createObjectNode();
        body.put("access_token", emulator.tokens().issue(identity, resource.endsWith("/") ? resource.substring(0,
                resource.length() - 1) : resource, now));
        body.put("client_id", identity.clientId);
        body.put("expires_in", String.valueOf(TokenService.LIFETIME.toSeconds()));
        body.put("expires_on", String.valueOf(now.plus(TokenService.LIFETIME).getEpochSecond()));
        body.put("ext_expires_in", String.valueOf(TokenService.LIFETIME.toSeconds()));
        body.put("not_before", String.valueOf(now.getEpochSecond()));
        body.put("resource", resource);
        body.put("token_type", "Bearer");
        HttpIo.json(ex, 200, body);
    }

    private void manage(HttpExchange ex, String what) throws IOException {
        String method = ex.getRequestMethod();
        switch (method + " " + what) {
            case "GET ca.pem" -> HttpIo.send(ex, 200, "application/x-pem-file", emulator.ca().caPem().getBytes(StandardCharsets.US_ASCII));
            case "GET identities" -> {
                synchronized (emulator) {
                    HttpIo.json(ex, 200, HttpIo.JSON.valueToTree(emulator.state().identities));
                }
            }
            case "POST identities" -> {
                EmulatorState.IdentityRecord record = HttpIo.JSON.treeToValue(HttpIo.jsonBody(ex), EmulatorState.IdentityRecord.class);
                HttpIo.json(ex, 200, HttpIo.JSON.valueToTree(emulator.addIdentity(record)));
            }
            case "GET vaults" -> {
                synchronized (emulator) {
                    HttpIo.json(ex, 200, HttpIo.JSON.valueToTree(emulator.state().vaults));
                }
            }
            case "POST keys" -> {
                JsonNode body = HttpIo.jsonBody(ex);
                List<String> ops = null;
                if (body.path("keyOps").isArray()) {
                    List<String> given = new ArrayList<>();
                    body.path("keyOps").forEach(op -> given.add(op.asText()));
                    ops = given;
                }
                String version = emulator.createRsaKey(body.path("vault").asText(), body.path("name").asText(),
                        body.path("bits").asInt(2048), ops);
                HttpIo.json(ex, 200, HttpIo.JSON.createObjectNode().put("version", version));
            }
            case "POST faults" -> {
                emulator.addFault(HttpIo.JSON.treeToValue(HttpIo.jsonBody(ex), FaultRule.class));
                HttpIo.send(ex, 204, null, new byte[0]);
            }
            case "DELETE faults" -> {
                emulator.clearFaults();
                HttpIo.send(ex, 204, null, new byte[0]);
            }
            case "PUT permissions" -> {
                JsonNode body = HttpIo.jsonBody(ex);
                List<String> ops = new ArrayList<>();
                body.path("permissions").forEach(p -> ops.add(p.asText()));
                emulator.setPermissions(body.path("vault").asText(), body.path("objectId").asText(),
                        body.path("permissions").isArray() ? ops : null);
                HttpIo.send(ex, 204, null, new byte[0]);
            }
            case "GET requests" -> {
                ArrayNode list = HttpIo.JSON.createArrayNode();
                emulator.requests().forEach(r -> list.add(HttpIo.JSON.valueToTree(r)));
                HttpIo.json(ex, 200, list);
            }
            case "DELETE requests" -> {
                emulator.clearRequests();
                HttpIo.send(ex, 204, null, new byte[0]);
            }
            default -> HttpIo.oauthError(ex, 404, "not_found", "No management endpoint " + method + " /emulator/" + what);
        }
    }
}
