package dev.guestcrypt.agent.keys;

import dev.guestcrypt.nativebind.secret.SecretBytes;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PassphraseGeneratorTest {

    @Test
    void passphraseIsAdeFormBase64TextOf127RandomBytes() {
        PassphraseGenerator generator = PassphraseGenerator.strong();
        try (SecretBytes one = generator.generate(); SecretBytes two = generator.generate()) {
            assertThat(one.length()).isEqualTo(172).isEqualTo(generator.passphraseLength());
            byte[] text = one.copyToArray();
            try {
                assertThat(Base64.getDecoder().decode(text)).hasSize(127);
            } finally {
                Arrays.fill(text, (byte) 0);
            }
            assertThat(one.contentEquals(two)).isFalse();
        }
    }

    @Test
    void refusesFewerThan64RandomBytes() {
        assertThatThrownBy(() -> new PassphraseGenerator(new SecureRandom(), 63)).hasMessageContaining("at least 64");
    }
}
