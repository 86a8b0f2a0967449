package dev.guestcrypt.agent.keys;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.keys.local.LocalKeyFileProtector;
import dev.guestcrypt.nativebind.secret.SecretBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyProtectorRegistryTest {

    @Test
    void dispatchesOnTheTokenTypeAndRefusesUnknownTypes(@TempDir Path dir) {
        KeyProtectorRegistry registry = new KeyProtectorRegistry(List.of(new LocalKeyFileProtector(dir)));
        VolumeIdentity volume = VolumeIdentity.of("11111111-2222-3333-4444-555555555555", "/dev/vdc", VolumeType.DATA, "vm");
        try (SecretBytes passphrase = PassphraseGenerator.strong().generate()) {
            KeyToken token = registry.forType(LocalKeyFileToken.TYPE).protect(passphrase, volume).token();
            try (SecretBytes back = registry.unprotect(KeyTokenCodec.fromJson(KeyTokenCodec.toJson(token)))) {
                assertThat(back.contentEquals(passphrase)).isTrue();
            }
        }
        KeyVaultToken kvToken = new KeyVaultToken("https://v.vault.azure.net", "s", "0123456789abcdef0123456789abcdef", null, List.of(0));
        assertThatThrownBy(() -> registry.unprotect(kvToken)).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(KeyTokenError.TOKEN_TYPE_UNSUPPORTED))
                .hasMessageContaining("guestcrypt-azure-kv").hasMessageContaining("configured: guestcrypt-local-file");
    }
}
