package dev.guestcrypt.agent.keys.keyvault;

import dev.guestcrypt.agent.keys.KekAlgorithm;
import dev.guestcrypt.agent.keys.KeyProtector;
import dev.guestcrypt.agent.keys.KeyTokenCodec;
import dev.guestcrypt.agent.keys.KeyVaultToken;
import dev.guestcrypt.agent.keys.PassphraseGenerator;
import dev.guestcrypt.agent.keys.ProtectedKey;
import dev.guestcrypt.nativebind.secret.SecretBytes;
import dev.guestcrypt.testkit.kv.EmulatorState;
import dev.guestcrypt.testkit.kv.KvEmulator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.KEK_VAULT_HOST;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.VAULT_HOST;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.emulator;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.options;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.protector;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.volume;
import static org.assertj.core.api.Assertions.assertThat;

/** Store, read back and unwrap through the real Azure SDK against the emulator. */
@Tag("keyvault")
class KeyVaultProtectorTest {
    private final PassphraseGenerator generator = PassphraseGenerator.strong();

    @Test
    void secretWithoutKekHoldsBase64OfThePassphraseWithAdeTagsAndUnlocksFromTheTokenAlone() {
        KvEmulator kv = emulator();
        try (SecretBytes passphrase = generator.generate()) {
            ProtectedKey key = protector(options(VAULT_HOST)).protect(passphrase, volume());

            KeyVaultToken token = (KeyVaultToken) key.token();
            assertThat(token.vaultUrl()).isEqualTo(EmulatorFixture.vaultUrl(VAULT_HOST));
            assertThat(token.kek()).isNull();
            assertThat(token.secretVersion()).matches("[0-9a-f]{32}");
            assertThat(key.reference()).isEqualTo(token.secretUrl());

            EmulatorState.SecretVersion stored = kv.secretVersions(VAULT_HOST, token.secretName()).get(0);
            assertThat(stored.version).isEqualTo(token.secretVersion());
            byte[] expected = passphrase.copyToArray();
            try {
                assertThat(Base64.getDecoder().decode(stored.value)).isEqualTo(expected);
            } finally {
                Arrays.fill(expected, (byte) 0);
            }
            assertThat(stored.tags).containsEntry("DiskEncryptionKeyFileName", "LinuxPassPhraseFileName")
                    .containsEntry("DiskEncryptionKeyEncryptionAlgorithm", "RSA-OAEP")
                    .containsEntry("MachineName", "vm-test-01")
                    .containsEntry("GuestcryptLuksUuid", volume().luksUuid())
                    .containsEntry("GuestcryptDevice", "/dev/disk/azure/scsi1/lun0")
                    .containsEntry("GuestcryptVolumeType", "DataVolume")
                    .doesNotContainKey("DiskEncryptionKeyEncryptionKeyURL");

            // A fresh unlock-only protector needs nothing but the token text (and a credential).
            KeyProtector unlocker = protector(KeyVaultProtectorOptions.forUnlock(new KeyVaultCredential.SystemAssignedIdentity())
                    .withTrustedCaPem(EmulatorFixture.caPem()));
            try (SecretBytes back = unlocker.unprotect(KeyTokenCodec.fromJson(KeyTokenCodec.toJson(token.withKeyslots(List.of(0)))))) {
                assertThat(back.contentEquals(passphrase)).isTrue();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KekAlgorithm.class)
    void kekWrappedSecretIsTheVaultWrapOfThePassphraseAndRoundTrips(KekAlgorithm algorithm) {
        KvEmulator kv = emulator();
        String kekName = "kek-" + algorithm.name().toLowerCase().replace('_', '-');
        kv.createRsaKey(KEK_VAULT_HOST, kekName, 2048, null);
        String current = kv.createRsaKey(KEK_VAULT_HOST, kekName, 2048, null); // a second version: versionless must pick it
        String versionless = EmulatorFixture.vaultUrl(KEK_VAULT_HOST) + "/keys/" + kekName;
        try (SecretBytes passphrase = generator.generate()) {
            KeyProtector protector = protector(options(VAULT_HOST).withKek(versionless, algorithm));
            KeyVaultToken token = (KeyVaultToken) protector.protect(passphrase, volume()).token();

            assertThat(token.kek().algorithm()).isEqualTo(algorithm);
            assertThat(token.kek().keyId()).isEqualTo(versionless + "/" + current);
            assertThat(token.kek().version()).isEqualTo(current);
            EmulatorState.SecretVersion stored = kv.secretVersions(VAULT_HOST, token.secretName()).get(0);
            assertThat(stored.tags).containsEntry("DiskEncryptionKeyEncryptionKeyURL", token.kek().keyId())
                    .containsEntry("DiskEncryptionKeyEncryptionAlgorithm", algorithm.wireName());
            // Independent check: the stored value is the wrap of exactly the passphrase under that key version.
            byte[] unwrapped = kv.unwrapWithStoredKey(KEK_VAULT_HOST, kekName, current, algorithm.wireName(),
                    Base64.getUrlDecoder().decode(stored.value));
            byte[] expected = passphrase.copyToArray();
            try {
                assertThat(unwrapped).isEqualTo(expected);
            } finally {
                Arrays.fill(expected, (byte) 0);
                Arrays.fill(unwrapped, (byte) 0);
            }
            try (SecretBytes back = protector.unprotect(token)) {
                assertThat(back.contentEquals(passphrase)).isTrue();
            }
        }
    }

    @Test
    void versionedKekUrlIsKeptAsGiven() {
        KvEmulator kv = emulator();
        String first = kv.createRsaKey(KEK_VAULT_HOST, "kek-pinned", 2048, null);
        kv.createRsaKey(KEK_VAULT_HOST, "kek-pinned", 2048, null);
        String pinned = EmulatorFixture.vaultUrl(KEK_VAULT_HOST) + "/keys/kek-pinned/" + first;
        try (SecretBytes passphrase = generator.generate()) {
            KeyVaultToken token = (KeyVaultToken) protector(options(VAULT_HOST).withKek(pinned, KekAlgorithm.RSA_OAEP_256))
                    .protect(passphrase, volume()).token();
            assertThat(token.kek().keyId()).isEqualTo(pinned);
        }
    }
}
