package dev.guestcrypt.testkit.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulator on the wire, with the JDK HTTP client: what the Azure SDK relies on (challenge,
 * token endpoint rules, JWK form, RSA-OAEP-256 with MGF1-SHA-256) and persistence.
 * The vault is addressed as 127.0.0.1 with a Host header, so no name resolution is needed.
 */
class KvEmulatorTest {
    static {
        // Lets the JDK client send the vault's name in the Host header (it connects to 127.0.0.1).
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static KvEmulator emulator;
    private static HttpClient https;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        emulator = KvEmulator.builder().start();
        https = trusting(emulator.ca());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void vaultWithoutTokenAnswersTheKeyVaultChallenge() throws Exception {
        HttpResponse<String> response = vault("PUT", "/secrets/s1?api-version=2025-07-01", null, null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer authorization=\"https://login.microsoftonline.com/"
                + emulator.tenantId() + "\", resource=\"https://vault.azure.net\"");
        assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("Unauthorized");
    }

    @Test
    void imdsRequiresMetadataHeaderAndKnownIdentityAndSaysWhoTheTokenIsFor() throws Exception {
        String path = "//metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net";
        assertThat(imds(path, null).statusCode()).isEqualTo(400);
        assertThat(imds(path + "&client_id=nobody", "Metadata").body()).contains("Identity not found");
        EmulatorState.IdentityRecord user = emulator.addUserAssignedIdentity("ua1");
        HttpResponse<String> ok = imds(path + "&msi_res_id=" + user.resourceId, "Metadata");
        JsonNode body = JSON.readTree(ok.body());
        assertThat(body.path("expires_on").isTextual()).isTrue();
        assertThat(body.path("client_id").asText()).isEqualTo(user.clientId);
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(body.path("access_token").asText().split("\\.")[1]));
        assertThat(claims.path("oid").asText()).isEqualTo(user.objectId);
        assertThat(claims.path("aud").asText()).isEqualTo("https://vault.azure.net");
    }

    @Test
    void appServiceFlavourChecksTheIdentityHeader() throws Exception {
        String path = "/metadata/identity/oauth2/token?api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.imdsEndpoint() + path));
        assertThat(HTTP.send(request.copy().header("X-IDENTITY-HEADER", "wrong").build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(401);
        assertThat(HTTP.send(request.copy().header("X-IDENTITY-HEADER", "guestcrypt-emulator-identity-header").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void rsaOaep256WrapUsesSha256ForMgf1AndKeyOpsAreHonoured() throws Exception {
        String token = token();
        HttpResponse<String> created = vault("POST", "/keys/k256/create?api-version=2025-07-01", token,
                "{\"kty\":\"RSA\",\"key_size\":2048,\"public_exponent\":0,\"key_ops\":[\"wrapKey\",\"unwrapKey\"]}");
        JsonNode jwk = JSON.readTree(created.body()).path("key");
        assertThat(jwk.path("e").asText()).isEqualTo("AQAB");
        assertThat(jwk.has("d")).isFalse();
        PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("n").asText())), BigInteger.valueOf(65537)));
        Cipher oaep256 = Cipher.getInstance("RSA/ECB/OAEPPadding");
        oaep256.init(Cipher.ENCRYPT_MODE, publicKey, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                PSource.PSpecified.DEFAULT));
        byte[] wrapped = oaep256.doFinal("passphrase".getBytes(StandardCharsets.US_ASCII));
        String kid = jwk.path("kid").asText();
        String version = kid.substring(kid.lastIndexOf('/') + 1);
        HttpResponse<String> unwrapped = vault("POST", "/keys/k256/" + version + "/unwrapkey?api-version=2025-07-01", token,
                "{\"alg\":\"RSA-OAEP-256\",\"value\":\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(wrapped) + "\"}");
        assertThat(new String(Base64.getUrlDecoder().decode(JSON.readTree(unwrapped.body()).path("value").asText()),
                StandardCharsets.US_ASCII)).isEqualTo("passphrase");
        HttpResponse<String> forbidden = vault("POST", "/keys/k256//encrypt?api-version=2025-07-01", token,
                "{\"alg\":\"RSA-OAEP\",\"value\":\"AAAA\"}");
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.body()).contains("KeyOperationForbidden");
    }

    @Test
    void nthCallFaultFiresOnceOnThatCall() throws Exception {
        String token = token();
        emulator.addFault(FaultRule.status("/secrets/nth", 503).method("GET").onlyCall(2));
        try {
            vault("PUT", "/secrets/nth?api-version=7.6", token, "{\"value\":\"v\"}");
            assertThat(List.of(vault("GET", "/secrets/nth/", token, null).statusCode(), vault("GET", "/secrets/nth/", token, null)
                    .statusCode(), vault("GET", "/secrets/nth/", token, null).statusCode())).containsExactly(200, 503, 200);
        } finally {
            emulator.clearFaults();
        }
    }

    @Test
    void aSecretDeletedByTheOperatorIsNotFoundUntilRecovered() throws Exception {
        String token = token();
        String id = JSON.readTree(vault("PUT", "/secrets/gone?api-version=7.6", token, "{\"value\":\"kept\"}").body()).path("id").asText();
        String version = id.substring(id.lastIndexOf('/') + 1);

        emulator.deleteSecret("kv1.vault.azure.net", "gone");
        HttpResponse<String> missing = vault("GET", "/secrets/gone/" + version, token, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).at("/error/code").asText()).isEqualTo("SecretNotFound");
        assertThat(emulator.secretNames("kv1.vault.azure.net")).doesNotContain("gone");

        emulator.recoverSecret("kv1.vault.azure.net", "gone");
        HttpResponse<String> back = vault("GET", "/secrets/gone/" + version, token, null);
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(back.body()).path("value").asText()).isEqualTo("kept");
    }

    @Test
    void stateSurvivesARestartIncludingTheCaAndIssuedTokens(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state.json");
        String secretId;
        String caPem;
        String token;
        try (KvEmulator first = KvEmulator.builder().stateFile(state).start()) {
            token = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(first.imdsEndpoint()
                    + "/metadata/identity/oauth2/token?resource=https://vault.azure.net")).header("Metadata", "true").build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("access_token").asText();
            secretId = JSON.readTree(send(trusting(first.ca()), first.vaultPort(), "PUT", "/secrets/kept", token,
                    "{\"value\":\"survives\"}").body()).path("id").asText();
            caPem = first.ca().caPem();
        }
        try (KvEmulator second = KvEmulator.builder().stateFile(state).start()) {
            assertThat(second.ca().caPem()).isEqualTo(caPem);
            String version = secretId.substring(secretId.lastIndexOf('/') + 1);
            HttpResponse<String> read = send(trusting(second.ca()), second.vaultPort(), "GET", "/secrets/kept/" + version, token, null);
            assertThat(JSON.readTree(read.body()).path("value").asText()).isEqualTo("survives");
        }
        assertThat(Files.readString(state)).contains("kept");
    }

    private static String token() throws Exception {
        return JSON.readTree(imds("/metadata/identity/oauth2/token?resource=https%3A%2F%2Fvault.azure.net", "Metadata").body())
                .path("access_token").asText();
    }

    private static HttpResponse<String> imds(String pathAndQuery, String header) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.imdsEndpoint() + pathAndQuery));
        if (header != null) {
            request.header(header, "true");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> vault(String method, String pathAndQuery, String token, String body) throws Exception {
        return send(https, emulator.vaultPort(), method, pathAndQuery, token, body);
    }

    /** Connects to 127.0.0.1 (a certificate SAN) and names the vault in the Host header. */
    private static HttpResponse<String> send(HttpClient client, int port, String method, String pathAndQuery, String token,
                                             String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + pathAndQuery))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Host", "kv1.vault.azure.net:" + port);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpClient trusting(TestCa ca) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).build();
    }

}
