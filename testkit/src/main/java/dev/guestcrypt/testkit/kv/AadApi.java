package dev.guestcrypt.testkit.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Entra ID's client-credentials token endpoint ({@code /<tenant>/oauth2/v2.0/token}) on the
 * HTTPS listener, for service principals with a client secret or a certificate assertion.
 */
final class AadApi {
    private final KvEmulator emulator;

    AadApi(KvEmulator emulator) {
        this.emulator = emulator;
    }

    void handle(HttpExchange ex, VaultApi.Request request) throws IOException {
        List<String> seg = HttpIo.segments(ex);
        if (ex.getRequestMethod().equals("GET") && seg.size() >= 3 && seg.get(1).equals("discovery")) {
            instanceDiscovery(ex);
            return;
        }
        if (!ex.getRequestMethod().equals("POST") || seg.size() < 3 || !seg.get(1).equals("oauth2")
                || !seg.get(seg.size() - 1).equals("token")) {
            HttpIo.oauthError(ex, 404, "not_found", "No such Entra ID endpoint: " + HttpIo.normalisedPath(ex));
            return;
        }
        Map<String, String> form = HttpIo.form(new String(HttpIo.body(ex), StandardCharsets.UTF_8));
        if (!"client_credentials".equals(form.get("grant_type"))) {
            HttpIo.oauthError(ex, 400, "unsupported_grant_type", "AADSTS70003: only client_credentials is emulated.");
            return;
        }
        String clientId = form.getOrDefault("client_id", "");
        EmulatorState.IdentityRecord app;
        synchronized (emulator) {
            app = emulator.identityByClientId(clientId, "app");
        }
        if (app == null) {
            HttpIo.oauthError(ex, 400, "unauthorized_client", "AADSTS700016: Application with identifier '" + clientId
                    + "' was not found in the directory '" + emulator.tenantId() + "'.");
            return;
        }
        String problem = form.containsKey("client_secret") ? checkSecret(app, form.get("client_secret"))
                : form.containsKey("client_assertion") ? checkAssertion(app, form.get("client_assertion")) : "AADSTS7000216: "
                + "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.";
        if (problem != null) {
            HttpIo.oauthError(ex, 401, "invalid_client", problem);
            return;
        }
        String scope = form.getOrDefault("scope", form.getOrDefault("resource", ""));
        String audience = java.util.Arrays.stream(scope.split(" ")).filter(sc -> sc.endsWith("/.default")).findFirst()
                .orElse(scope).replace("/.default", "");
        request.identity = app.objectId;
        ObjectNode body = HttpIo.JSON.createObjectNode();
        body.put("token_type", "Bearer");
        body.put("expires_in", TokenService.LIFETIME.toSeconds());
        body.put("ext_expires_in", TokenService.LIFETIME.toSeconds());
        body.put("access_token", emulator.tokens().issue(app, audience, emulator.now()));
        HttpIo.json(ex, 200, body);
    }

    private static String checkSecret(EmulatorState.IdentityRecord app, String secret) {
        if (app.clientSecret == null || !MessageDigest.isEqual(app.clientSecret.getBytes(StandardCharsets.UTF_8),
                secret.getBytes(StandardCharsets.UTF_8))) {
            return "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the "
                    + "client secret value, not the client secret ID, for a secret added to app '" + app.clientId + "'.";
        }
        return null;
    }

    /** Verifies an RS256 or PS256 client assertion signed by the application's registered certificate. */
    private String checkAssertion(EmulatorState.IdentityRecord app, String assertion) {
        try {
            if (app.certificate == null) {
                return "AADSTS700027: Client assertion failed signature validation: no certificate registered for '" + app.clientId + "'.";
            }
            String[] parts = assertion.split("\\.");
            JsonNode header = HttpIo.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode payload = HttpIo.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(app.certificate)));
            Signature signature;
            String alg = header.path("alg").asText();
            if (alg.equals("PS256")) {
                signature = Signature.getInstance("RSASSA-PSS");
                signature.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            } else if (alg.equals("RS256")) {
                signature = Signature.getInstance("SHA256withRSA");
            } else {
                return "AADSTS5002730: unsupported client assertion algorithm '" + alg + "'.";
            }
            signature.initVerify(certificate.getPublicKey());
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!signature.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return "AADSTS700027: Client assertion failed signature validation.";
            }
            if (!app.clientId.equals(payload.path("sub").asText()) || !app.clientId.equals(payload.path("iss").asText())) {
                return "AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter.";
            }
            if (payload.path("exp").asLong() < emulator.now().getEpochSecond()) {
                return "AADSTS700024: Client assertion is not within its valid time range.";
            }
            return null;
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            return "AADSTS50012: Client assertion is malformed (" + e.getClass().getSimpleName() + ").";
        }
    }

    private void instanceDiscovery(HttpExchange ex) throws IOException {
        String host = ex.getRequestHeaders().getFirst("Host");
        ObjectNode body = HttpIo.JSON.createObjectNode();
        body.put("tenant_discovery_endpoint", "https://" + host + "/" + emulator.tenantId() + "/v2.0/.well-known/openid-configuration");
        body.put("api-version", "1.1");
        ObjectNode entry = body.putArray("metadata").addObject();
        entry.put("preferred_network", host);
        entry.put("preferred_cache", host);
        entry.putArray("aliases").add(host);
        HttpIo.json(ex, 200, body);
    }
}
