package dev.guestcrypt.agent.keys.keyvault;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.error.ErrorCode;
import dev.guestcrypt.agent.keys.KekAlgorithm;
import dev.guestcrypt.agent.keys.KeyProtector;
import dev.guestcrypt.agent.keys.KeyVaultToken;
import dev.guestcrypt.agent.keys.PassphraseGenerator;
import dev.guestcrypt.nativebind.secret.SecretBytes;
import dev.guestcrypt.testkit.kv.FaultRule;
import dev.guestcrypt.testkit.kv.KvEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.KEK_VAULT_HOST;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.VAULT_HOST;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.emulator;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.options;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.protector;
import static dev.guestcrypt.agent.keys.keyvault.EmulatorFixture.volume;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each injected fault ends in its documented error code, and a protect that fails never returns
 * a passphrase (so nothing unverified is ever used); transient faults are retried to success.
 */
@Tag("keyvault")
class KeyVaultFaultsTest {
    private static final String SECRETS = "/secrets/.*";
    private final PassphraseGenerator generator = PassphraseGenerator.strong();

    @AfterEach
    void clearFaults() {
        emulator().clearFaults();
        emulator().setPermissions(VAULT_HOST, emulator().systemIdentity().objectId, null);
    }

    @Test
    void missingSetPermissionNamesIdentityPermissionVaultAndRole() {
        KvEmulator kv = emulator();
        kv.setPermissions(VAULT_HOST, kv.systemIdentity().objectId, List.of("secrets/get"));
        AgentException e = protectFails(options(VAULT_HOST), KeyVaultError.KEY_VAULT_FORBIDDEN);
        assertThat(e.getMessage()).contains("system-assigned managed identity (object id " + kv.systemIdentity().objectId + ")",
                "'set' permission", "secrets in vault gc-kv1");
        assertThat(e.fix()).contains("Key Vault Secrets Officer");
        assertThat(e.describe()).startsWith("GC1103 KEY_VAULT_FORBIDDEN: ");
    }

    @Test
    void missingUnwrapPermissionFailsVerificationAndTheKeyIsNotUsed() {
        KvEmulator kv = emulator();
        String version = kv.createRsaKey(KEK_VAULT_HOST, "kek-faults", 2048, null);
        kv.setPermissions(KEK_VAULT_HOST, kv.systemIdentity().objectId, List.of("keys/get", "keys/wrapKey"));
        try {
            AgentException e = protectFails(options(VAULT_HOST).withKek(EmulatorFixture.vaultUrl(KEK_VAULT_HOST)
                    + "/keys/kek-faults/" + version, KekAlgorithm.RSA_OAEP), KeyVaultError.KEY_VAULT_VERIFY_FAILED);
            assertThat(e.getMessage()).contains("GC1103", "'unwrapKey' permission", "will not be used");
        } finally {
            kv.setPermissions(KEK_VAULT_HOST, kv.systemIdentity().objectId, null);
        }
    }

    @Test
    void kekWithoutWrapOperationIsRefusedBeforeAnySecretIsStored() {
        KvEmulator kv = emulator();
        kv.createRsaKey(KEK_VAULT_HOST, "kek-signonly", 2048, List.of("sign", "verify"));
        int before = kv.secretNames(VAULT_HOST).size();
        AgentException e = protectFails(options(VAULT_HOST).withKek(EmulatorFixture.vaultUrl(KEK_VAULT_HOST)
                + "/keys/kek-signonly", KekAlgorithm.RSA_OAEP), KeyVaultError.KEY_VAULT_KEK_UNUSABLE);
        assertThat(e.getMessage()).contains("lack wrapKey");
        assertThat(kv.secretNames(VAULT_HOST)).hasSize(before);
    }

    @Test
    void readBackFailureMeansThePassphraseIsNeverReturned() {
        emulator().addFault(FaultRule.status(SECRETS, 404).method("GET"));
        AgentException e = protectFails(options(VAULT_HOST), KeyVaultError.KEY_VAULT_VERIFY_FAILED);
        assertThat(e.getMessage()).contains("could not be read back", "GC1104");
    }

    @Test
    void throttlingOnceIsRetriedAfterRetryAfter() {
        emulator().addFault(FaultRule.status(SECRETS, 429).method("PUT").retryAfter(1).onlyCall(1));
        long start = System.nanoTime();
        protectSucceeds(options(VAULT_HOST));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void endlessThrottlingWithLongRetryAfterIsCappedAndReported() {
        protectSucceeds(options(VAULT_HOST)); // warm up, so the timing below is about retries only
        emulator().addFault(FaultRule.status(SECRETS, 429).retryAfter(3600));
        long start = System.nanoTime();
        protectFails(options(VAULT_HOST).withTimeouts(Duration.ofSeconds(5), 2, Duration.ofMillis(200)),
                KeyVaultError.KEY_VAULT_THROTTLED);
        // The vault asked for an hour per retry; the cap keeps the whole attempt to seconds.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void serverErrorsOnceAreRetriedAndPersistentOnesReported() {
        emulator().addFault(FaultRule.status(SECRETS, 503).method("PUT").onlyCall(1));
        protectSucceeds(options(VAULT_HOST));
        emulator().clearFaults();
        emulator().addFault(FaultRule.status(SECRETS, 500).method("PUT"));
        protectFails(options(VAULT_HOST).withTimeouts(Duration.ofSeconds(5), 1, null), KeyVaultError.KEY_VAULT_UNAVAILABLE);
    }

    @Test
    void droppedConnectionOnceIsRetriedAndAlwaysIsReported() {
        emulator().addFault(FaultRule.drop(SECRETS).method("PUT").onlyCall(1));
        protectSucceeds(options(VAULT_HOST));
        emulator().clearFaults();
        emulator().addFault(FaultRule.drop(SECRETS));
        protectFails(options(VAULT_HOST).withTimeouts(Duration.ofSeconds(5), 1, null), KeyVaultError.KEY_VAULT_UNAVAILABLE);
    }

    @Test
    void slowVaultTimesOut() {
        emulator().addFault(FaultRule.delay(SECRETS, 3000).method("PUT"));
        long start = System.nanoTime();
        protectFails(options(VAULT_HOST).withTimeouts(Duration.ofMillis(700), 0, null), KeyVaultError.KEY_VAULT_UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2900));
    }

    @Test
    void forbiddenByFirewallOrPolicyIsForbidden() {
        emulator().addFault(FaultRule.status(SECRETS, 403).method("PUT"));
        protectFails(options(VAULT_HOST), KeyVaultError.KEY_VAULT_FORBIDDEN);
    }

    @Test
    void rejectedTokenIsUnauthenticated() {
        emulator().addFault(FaultRule.status(SECRETS, 401));
        protectFails(options(VAULT_HOST), KeyVaultError.KEY_VAULT_UNAUTHENTICATED);
    }

    @Test
    void unknownSecretVersionOnUnlockIsNotFound() {
        KeyProtector protector = protector(options(VAULT_HOST));
        KeyVaultToken token = new KeyVaultToken(EmulatorFixture.vaultUrl(VAULT_HOST), "no-such-secret",
                "0123456789abcdef0123456789abcdef", null, List.of(0));
        assertThatThrownBy(() -> protector.unprotect(token)).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(KeyVaultError.KEY_VAULT_SECRET_NOT_FOUND));
    }

    @Test
    void disabledSecretOnUnlockSaysSo() {
        KeyProtector protector = protector(options(VAULT_HOST));
        try (SecretBytes passphrase = generator.generate()) {
            KeyVaultToken token = (KeyVaultToken) protector.protect(passphrase, volume()).token();
            emulator().setSecretEnabled(VAULT_HOST, token.secretName(), token.secretVersion(), false);
            assertThatThrownBy(() -> protector.unprotect(token)).isInstanceOfSatisfying(AgentException.class,
                    e -> assertThat(e.code()).isEqualTo(KeyVaultError.KEY_VAULT_SECRET_NOT_FOUND)).hasMessageContaining("is disabled");
        }
    }

    @Test
    void untrustedCertificateIsATlsFailure() {
        KeyVaultProtectorOptions untrusted = options(VAULT_HOST).withTrustedCaPem(null).withTimeouts(Duration.ofSeconds(5), 0, null);
        protectFails(untrusted, KeyVaultError.KEY_VAULT_TLS_FAILED);
    }

    @Test
    void foreignUrlsAreRefusedBeforeAnythingIsSent() {
        KvEmulator kv = emulator();
        kv.clearRequests();
        for (String url : List.of("https://gc-kv1.vault.azure.net.evil.example/", "http://gc-kv1.vault.azure.net",
                "https://localhost:" + kv.vaultPort(), "https://gc-kv1.vault.azure.net/secrets/x", "not a url", "https://x.vault.azure.net")) {
            assertThatThrownBy(() -> protector(KeyVaultProtectorOptions.of(url, new KeyVaultCredential.SystemAssignedIdentity())))
                    .as(url).isInstanceOfSatisfying(AgentException.class,
                            e -> assertThat(e.code()).isEqualTo(KeyVaultError.KEY_VAULT_URL_REFUSED)).hasMessageContaining("nothing was sent");
        }
        assertThatThrownBy(() -> protector(options(VAULT_HOST).withKek("https://gc-kek1.vault.azure.net/secrets/kek", null)))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(KeyVaultError.KEY_VAULT_URL_REFUSED));
        KeyVaultToken evil = new KeyVaultToken("https://attacker.example.com", "s", "0123456789abcdef0123456789abcdef", null, List.of(0));
        assertThatThrownBy(() -> protector(options(VAULT_HOST)).unprotect(evil))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(KeyVaultError.KEY_VAULT_URL_REFUSED));
        assertThat(kv.requests()).isEmpty();
    }

    @Test
    void otherCloudsAreAcceptedAndManagedHsmServesAsKek() {
        for (String host : List.of("gc-cn1.vault.azure.cn", "gc-gov1.vault.usgovcloudapi.net")) {
            KeyProtector protector = protector(options(host));
            try (SecretBytes passphrase = generator.generate();
                 SecretBytes back = protector.unprotect(protector.protect(passphrase, volume()).token())) {
                assertThat(back.contentEquals(passphrase)).as(host).isTrue();
            }
        }
        String hsm = "gc-hsm1.managedhsm.azure.net";
        emulator().createRsaKey(hsm, "hsm-kek", 2048, null);
        KeyProtector withHsmKek = protector(options(VAULT_HOST).withKek(EmulatorFixture.vaultUrl(hsm) + "/keys/hsm-kek",
                KekAlgorithm.RSA_OAEP_256));
        try (SecretBytes passphrase = generator.generate()) {
            KeyVaultToken token = (KeyVaultToken) withHsmKek.protect(passphrase, volume()).token();
            assertThat(token.kek().keyId()).startsWith(EmulatorFixture.vaultUrl(hsm) + "/keys/hsm-kek/");
            try (SecretBytes back = withHsmKek.unprotect(token)) {
                assertThat(back.contentEquals(passphrase)).isTrue();
            }
        }
        assertThatThrownBy(() -> protector(options(hsm))).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(KeyVaultError.KEY_VAULT_URL_REFUSED)).hasMessageContaining("holds keys only");
    }

    private void protectSucceeds(KeyVaultProtectorOptions options) {
        KeyProtector protector = protector(options);
        try (SecretBytes passphrase = generator.generate()) {
            KeyVaultToken token = (KeyVaultToken) protector.protect(passphrase, volume()).token();
            assertThat(emulator().secretVersions(VAULT_HOST, token.secretName())).hasSize(1);
            try (SecretBytes back = protector.unprotect(token)) {
                assertThat(back.contentEquals(passphrase)).isTrue();
            }
        }
    }

    private AgentException protectFails(KeyVaultProtectorOptions options, ErrorCode expected) {
        try (SecretBytes passphrase = generator.generate()) {
            KeyProtector protector = protector(options);
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> protector.protect(passphrase, volume()));
            assertThat(thrown).isInstanceOf(AgentException.class);
            AgentException e = (AgentException) thrown;
            assertThat(e.code()).as(e.describe()).isEqualTo(expected);
            assertThat(passphrase.isClosed()).isFalse(); // the caller still owns it and decides to discard it
            byte[] plain = passphrase.copyToArray();
            try {
                String text = new String(plain, java.nio.charset.StandardCharsets.US_ASCII);
                StringBuilder everything = new StringBuilder(e.describe());
                for (Throwable t = e; t != null; t = t.getCause()) {
                    everything.append('\n').append(t);
                }
                assertThat(everything.toString()).as("no key material in errors")
                        .doesNotContain(text, java.util.Base64.getEncoder().encodeToString(plain), text.substring(0, 24));
            } finally {
                java.util.Arrays.fill(plain, (byte) 0);
            }
            return e;
        }
    }
}
