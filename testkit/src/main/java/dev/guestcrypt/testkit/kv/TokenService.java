package dev.guestcrypt.testkit.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Issues and checks access tokens: JWT-shaped, HMAC-signed with the emulator's own key, carrying
 * the identity ({@code oid}, {@code appid}, {@code idtyp}) and the audience they were issued for.
 * Clients treat them as opaque; the vault reads who is calling from them.
 */
final class TokenService {
    static final Duration LIFETIME = Duration.ofHours(24);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final byte[] signingKey;
    private final String tenantId;

    TokenService(byte[] signingKey, String tenantId) {
        this.signingKey = signingKey.clone();
        this.tenantId = tenantId;
    }

    /** Claims of a verified token. */
    record Claims(String objectId, String appId, String kind, String audience, long expiresOn) {}

    String issue(EmulatorState.IdentityRecord identity, String audience, Instant now) {
        ObjectNode header = HttpIo.JSON.createObjectNode().put("typ", "JWT").put("alg", "HS256");
        ObjectNode payload = HttpIo.JSON.createObjectNode()
                .put("aud", audience)
                .put("iss", "https://sts.windows.net/" + tenantId + "/")
                .put("tid", tenantId)
                .put("oid", identity.objectId)
                .put("appid", identity.clientId)
                .put("idtyp", "app")
                .put("gc_kind", identity.kind)
                .put("iat", now.getEpochSecond())
                .put("nbf", now.getEpochSecond())
                .put("exp", now.plus(LIFETIME).getEpochSecond());
        if (identity.resourceId != null) {
            payload.put("xms_mirid", identity.resourceId);
        }
        String unsigned = B64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        return unsigned + "." + B64.encodeToString(mac(unsigned));
    }

    /** The claims if {@code token} is ours, unexpired and untampered; otherwise null. */
    Claims verify(String token, Instant now) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        byte[] expected = mac(parts[0] + "." + parts[1]);
        byte[] actual;
        try {
            actual = Base64.getUrlDecoder().decode(parts[2]);
            if (!MessageDigest.isEqual(expected, actual)) {
                return null;
            }
            JsonNode payload = HttpIo.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            long exp = payload.path("exp").asLong();
            if (exp < now.getEpochSecond()) {
                return null;
            }
            return new Claims(payload.path("oid").asText(), payload.path("appid").asText(), payload.path("gc_kind").asText(),
                    payload.path("aud").asText(), exp);
        } catch (IllegalArgumentException | java.io.IOException e) {
            return null;
        }
    }

    private byte[] mac(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
