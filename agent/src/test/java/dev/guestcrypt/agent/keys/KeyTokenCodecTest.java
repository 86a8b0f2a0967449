package dev.guestcrypt.agent.keys;

import dev.guestcrypt.agent.error.AgentException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyTokenCodecTest {

    @Test
    void keyVaultTokenWithKekSurvivesRoundTripAndHasLuks2Shape() {
        KeyVaultToken token = new KeyVaultToken("https://v1.vault.azure.net", "3f1e", "0123456789abcdef0123456789abcdef",
                new KeyVaultToken.Kek("https://v1.vault.azure.net/keys/kek/fedcba9876543210fedcba9876543210",
                        KekAlgorithm.RSA_OAEP_256), List.of(0, 3));

        String json = KeyTokenCodec.toJson(token);

        assertThat(json).contains("\"type\":\"guestcrypt-azure-kv\"", "\"keyslots\":[\"0\",\"3\"]", "\"version\":1",
                "\"protection\":\"kek-wrapped\"", "\"key_version\":\"fedcba9876543210fedcba9876543210\"",
                "\"algorithm\":\"RSA-OAEP-256\"");
        assertThat(KeyTokenCodec.fromJson(json)).isEqualTo(token);
    }

    @Test
    void keyVaultTokenWithoutKekSurvivesRoundTrip() {
        KeyVaultToken token = new KeyVaultToken("https://v1.vault.azure.cn", "s", "0123456789abcdef0123456789abcdef",
                null, List.of(1));
        String json = KeyTokenCodec.toJson(token);
        assertThat(json).contains("\"protection\":\"secret\"").doesNotContain("kek");
        assertThat(KeyTokenCodec.fromJson(json)).isEqualTo(token);
        assertThat(token.secretUrl()).isEqualTo("https://v1.vault.azure.cn/secrets/s/0123456789abcdef0123456789abcdef");
    }

    @Test
    void localTokenSurvivesRoundTrip() {
        LocalKeyFileToken token = new LocalKeyFileToken("/root/keys/vol.key", "ab".repeat(32), List.of(2));
        assertThat(KeyTokenCodec.fromJson(KeyTokenCodec.toJson(token))).isEqualTo(token);
    }

    @Test
    void unknownFieldsAreIgnored() {
        String json = "{\"type\":\"guestcrypt-azure-kv\",\"keyslots\":[\"0\"],\"version\":1,\"vault_url\":\"https://a.vault.azure.net\","
                + "\"secret_name\":\"n\",\"secret_version\":\"v\",\"future\":{\"x\":1}}";
        assertThat(((KeyVaultToken) KeyTokenCodec.fromJson(json)).secretName()).isEqualTo("n");
    }

    @Test
    void refusalsNameTheProblem() {
        assertCode("not json", KeyTokenError.TOKEN_INVALID, "not valid JSON");
        assertCode("{\"type\":\"luks2-keyring\",\"keyslots\":[]}", KeyTokenError.TOKEN_TYPE_UNSUPPORTED, "luks2-keyring");
        assertCode("{\"type\":\"guestcrypt-azure-kv\",\"keyslots\":[],\"version\":2}", KeyTokenError.TOKEN_VERSION_UNSUPPORTED,
                "version 2");
        assertCode("{\"type\":\"guestcrypt-azure-kv\",\"keyslots\":[],\"version\":1,\"vault_url\":\"https://a.vault.azure.net\"}",
                KeyTokenError.TOKEN_INVALID, "'secret_name'");
        assertCode("{\"type\":\"guestcrypt-azure-kv\",\"keyslots\":[],\"version\":1,\"vault_url\":\"u\",\"secret_name\":\"n\","
                + "\"secret_version\":\"v\",\"kek\":{\"key_id\":\"k\",\"algorithm\":\"A256KW\"}}", KeyTokenError.TOKEN_INVALID, "A256KW");
    }

    private static void assertCode(String json, KeyTokenError code, String mention) {
        assertThatThrownBy(() -> KeyTokenCodec.fromJson(json))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(mention);
    }
}
