package dev.guestcrypt.agent.keys.keyvault;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.keys.KekAlgorithm;
import dev.guestcrypt.agent.keys.KeyProtector;
import dev.guestcrypt.agent.keys.KeyVaultToken;
import dev.guestcrypt.agent.keys.PassphraseGenerator;
import dev.guestcrypt.nativebind.secret.SecretBytes;
import dev.guestcrypt.testkit.kv.EmulatorState;
import dev.guestcrypt.testkit.kv.KvEmulator;
import dev.guestcrypt.testkit.kv.TestCa;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.KEK_VAULT_HOST;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.VAULT_HOST;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.emulator;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.options;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.protector;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.volume;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every credential kind obtains a token from the emulator and the vault sees the right identity. */
@Tag("keyvault")
class KeyVaultCredentialsTest {
    private final PassphraseGenerator generator = PassphraseGenerator.strong();

    @Test
    void userAssignedIdentityByClientIdObjectIdAndResourceId() {
        KvEmulator kv = emulator();
        EmulatorState.IdentityRecord identity = kv.addUserAssignedIdentity("disk-encryption");
        assertRoundTripAs(new KeyVaultCredential.UserAssignedIdentity(KeyVaultCredential.IdentityIdKind.CLIENT_ID, identity.clientId),
                identity.objectId);
        assertRoundTripAs(KeyVaultCredential.UserAssignedIdentity.parseAde("object_id=" + identity.objectId), identity.objectId);
        assertRoundTripAs(KeyVaultCredential.UserAssignedIdentity.parseAde("res_id=" + identity.resourceId), identity.objectId);
    }

    @Test
    void systemAssignedIdentity() {
        assertRoundTripAs(new KeyVaultCredential.SystemAssignedIdentity(), emulator().systemIdentity().objectId);
    }

    @Test
    void servicePrincipalWithSecretTakesTheTenantFromTheChallenge() {
        byte[] secretText = "s3cr3t-value~from.portal".getBytes(StandardCharsets.UTF_8);
        EmulatorState.IdentityRecord app = emulator().addServicePrincipalWithSecret(new String(secretText, StandardCharsets.UTF_8));
        try (SecretBytes secret = SecretBytes.takeFrom(secretText)) {
            assertRoundTripAs(new KeyVaultCredential.ServicePrincipalSecret(app.clientId, secret, null), app.objectId);
        }
    }

    @Test
    void servicePrincipalWithWrongSecretIsUnauthenticated() {
        EmulatorState.IdentityRecord app = emulator().addServicePrincipalWithSecret("right");
        try (SecretBytes wrong = SecretBytes.takeFrom("wrong".getBytes(StandardCharsets.UTF_8));
             SecretBytes passphrase = generator.generate()) {
            KeyProtector protector = protector(options(VAULT_HOST)
                    .withCredential(new KeyVaultCredential.ServicePrincipalSecret(app.clientId, wrong, null)));
            assertThatThrownBy(() -> protector.protect(passphrase, volume()))
                    .isInstanceOfSatisfying(AgentException.class,
                            e -> assertThat(e.code()).isEqualTo(KeyVaultError.KEY_VAULT_UNAUTHENTICATED))
                    .hasMessageContaining(app.clientId);
        }
    }

    @Test
    void servicePrincipalWithWaagentCertificateFiles(@TempDir Path waagent) throws IOException {
        TestCa.Issued certificate = emulator().ca().issueClient("guestcrypt-sp");
        EmulatorState.IdentityRecord app = emulator().addServicePrincipalWithCertificate(certificate.certificate());
        Files.writeString(waagent.resolve(certificate.thumbprint() + ".crt"), certificate.certificatePem());
        Files.writeString(waagent.resolve(certificate.thumbprint() + ".prv"), certificate.privateKeyPem());
        assertRoundTripAs(new KeyVaultCredential.ServicePrincipalCertificate(app.clientId, certificate.thumbprint().toLowerCase(),
                waagent, null), app.objectId);
    }

    @Test
    void servicePrincipalWithPkcs1PrivateKeyFile(@TempDir Path waagent) throws IOException {
        TestCa.Issued certificate = emulator().ca().issueClient("guestcrypt-sp-pkcs1");
        EmulatorState.IdentityRecord app = emulator().addServicePrincipalWithCertificate(certificate.certificate());
        Files.writeString(waagent.resolve(certificate.thumbprint() + ".crt"), certificate.certificatePem());
        java.io.StringWriter pkcs1 = new java.io.StringWriter();
        try (org.bouncycastle.openssl.jcajce.JcaPEMWriter writer = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(pkcs1)) {
            writer.writeObject(certificate.keys().getPrivate()); // BouncyCastle writes RSA keys as PKCS#1
        }
        assertThat(pkcs1.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        Files.writeString(waagent.resolve(certificate.thumbprint() + ".prv"), pkcs1.toString());
        assertRoundTripAs(new KeyVaultCredential.ServicePrincipalCertificate(app.clientId, certificate.thumbprint(), waagent, null),
                app.objectId);
    }

    @Test
    void missingCertificateFilesAreRefusedBeforeAnyRequest(@TempDir Path waagent) {
        emulator().clearRequests();
        assertThatThrownBy(() -> protector(options(VAULT_HOST).withCredential(new KeyVaultCredential.ServicePrincipalCertificate(
                "11111111-2222-3333-4444-555555555555", "AB:CD:EF", waagent, null))))
                .isInstanceOfSatisfying(AgentException.class,
                        e -> assertThat(e.code()).isEqualTo(KeyVaultError.KEY_VAULT_CREDENTIAL_INVALID))
                .hasMessageContaining("ABCDEF.crt");
        assertThat(emulator().requests()).isEmpty();
    }

    @Test
    void unknownManagedIdentityIsUnauthenticatedAndStoresNothing() {
        int before = emulator().secretNames(VAULT_HOST).size();
        try (SecretBytes passphrase = generator.generate()) {
            KeyProtector protector = protector(options(VAULT_HOST).withCredential(
                    KeyVaultCredential.UserAssignedIdentity.parseAde("client_id=99999999-0000-0000-0000-000000000000")));
            assertThatThrownBy(() -> protector.protect(passphrase, volume()))
                    .isInstanceOfSatisfying(AgentException.class,
                            e -> assertThat(e.code()).isEqualTo(KeyVaultError.KEY_VAULT_UNAUTHENTICATED))
                    .hasMessageContaining("client_id=99999999-0000-0000-0000-000000000000");
        }
        assertThat(emulator().secretNames(VAULT_HOST)).hasSize(before);
    }

    /** Protects with a KEK as {@code credential} and checks that every vault call was made as {@code objectId}. */
    private void assertRoundTripAs(KeyVaultCredential credential, String objectId) {
        KvEmulator kv = emulator();
        String kekVersion = kv.createRsaKey(KEK_VAULT_HOST, "kek-cred", 2048, null);
        kv.clearRequests();
        KeyProtector protector = protector(options(VAULT_HOST).withCredential(credential)
                .withKek(EmulatorFixture.vaultUrl(KEK_VAULT_HOST) + "/keys/kek-cred/" + kekVersion, KekAlgorithm.RSA_OAEP_256));
        try (SecretBytes passphrase = generator.generate()) {
            KeyVaultToken token = (KeyVaultToken) protector.protect(passphrase, volume()).token();
            try (SecretBytes back = protector.unprotect(token)) {
                assertThat(back.contentEquals(passphrase)).isTrue();
            }
        }
        List<KvEmulator.RequestRecord> served = kv.requests().stream()
                .filter(r -> r.listener().equals("vault") && r.status() == 200 && !r.host().startsWith("login.")).toList();
        assertThat(served).extracting(KvEmulator.RequestRecord::path)
                .anyMatch(p -> p.startsWith("/secrets/")).anyMatch(p -> p.endsWith("/wrapkey")).anyMatch(p -> p.endsWith("/unwrapkey"));
        assertThat(served).extracting(KvEmulator.RequestRecord::identity).containsOnly(objectId);
    }
}
