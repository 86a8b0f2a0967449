package dev.guestcrypt.agent.settings;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.keys.KekAlgorithm;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsParserTest {
    @Test
    void parsesAdePublicAndProtectedSettingsWithKeysInAnyCase() {
        SettingsResult r = SettingsParser.parse(Map.of(
                "encryptionoperation", "EnableEncryption",
                "VOLUMETYPE", "data",
                "KeyVaultURL", "https://MyVault.vault.azure.net/",
                "KeyVaultResourceId", "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/myvault",
                "KeyEncryptionKeyURL", "https://myvault.vault.azure.net/keys/kek/0123456789abcdef0123456789abcdef",
                "KeyEncryptionAlgorithm", "rsa-oaep-256",
                "AADClientID", "\u201c01234567-89ab-cdef-0123-456789abcdef\u201d",
                "SequenceVersion", "7"), Map.of("AADClientSecret", "s3cret", "Passphrase", "pass"));
        assertThat(r.problems()).isEmpty();
        try (EncryptionSettings s = r.settings()) {
            assertThat(s.operation()).isEqualTo(EncryptionOperation.ENABLE_ENCRYPTION);
            assertThat(s.volumeType()).isEqualTo(VolumeSelection.DATA);
            assertThat(s.keyVaultUrl()).isEqualTo("https://myvault.vault.azure.net");
            assertThat(s.kekUrl()).isEqualTo("https://myvault.vault.azure.net/keys/kek/0123456789abcdef0123456789abcdef");
            assertThat(s.kekAlgorithm()).isEqualTo(KekAlgorithm.RSA_OAEP_256);
            assertThat(s.identity()).isEqualTo(new IdentitySetting.ClientSecret("01234567-89ab-cdef-0123-456789abcdef"));
            assertThat(new String(s.aadClientSecret().copyToArray())).isEqualTo("s3cret");
            assertThat(new String(s.passphrase().copyToArray())).isEqualTo("pass");
            assertThat(s.sequenceVersion()).isEqualTo("7");
            assertThat(s.toString()).doesNotContain("s3cret").doesNotContain("pass,");
        }
    }

    @Test
    void reportsEveryProblemAtOnceNamingValueAndFix() {
        SettingsResult r = SettingsParser.parse(Map.of(
                "EncryptionOperation", "EnableEncryption",
                "VolumeType", "Disks",
                "KeyVaultURL", "http://v.vault.azure.net",
                "KeyEncryptionKeyURL", "https://v.vault.azure.net/secrets/x",
                "AADClientID", "not-a-guid"), Map.of());
        assertThat(r.isValid()).isFalse();
        assertThat(r.problems()).extracting(SettingsProblem::code).containsExactlyInAnyOrder(
                SettingsError.VOLUME_TYPE_INVALID, SettingsError.KEY_VAULT_URL_INVALID, SettingsError.KEK_URL_INVALID,
                SettingsError.AAD_CLIENT_ID_INVALID);
        assertThat(r.problems()).allSatisfy(p -> assertThat(p.fix()).isNotBlank());
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.problem()).contains("'Disks'"));
        assertThatThrownBy(r::orThrow).isInstanceOf(AgentException.class).hasMessageContaining("4 problems");
    }

    @Test
    void missingOperationAndVaultAreNamed() {
        SettingsResult r = SettingsParser.parse(Map.of("VolumeType", "Data"), Map.of());
        assertThat(r.problems()).extracting(SettingsProblem::code).containsExactly(SettingsError.OPERATION_MISSING);
        SettingsResult r2 = SettingsParser.parse(Map.of("EncryptionOperation", "EnableEncryption", "VolumeType", "Data"), Map.of());
        assertThat(r2.problems()).extracting(SettingsProblem::code).containsExactly(SettingsError.KEY_VAULT_URL_MISSING);
        assertThat(SettingsParser.parse(Map.of("EncryptionOperation", "EnableEncryption", "VolumeType", "Data"), Map.of(), false)
                .isValid()).isTrue();
    }

    @Test
    void unknownOperationAndAlgorithmAreRefused() {
        SettingsResult r = SettingsParser.parse(Map.of("EncryptionOperation", "EncryptEverything", "VolumeType", "Data",
                "KeyVaultURL", "https://v.vault.azure.net", "KeyEncryptionKeyURL", "https://v.vault.azure.net/keys/k",
                "KeyEncryptionAlgorithm", "AES"), Map.of());
        assertThat(r.problems()).extracting(SettingsProblem::code)
                .containsExactlyInAnyOrder(SettingsError.OPERATION_UNKNOWN, SettingsError.KEK_ALGORITHM_UNKNOWN);
    }

    @Test
    void managedIdentityFormsAndConflicts() {
        Map<String, Object> base = Map.of("EncryptionOperation", "EnableEncryption", "VolumeType", "Data",
                "KeyVaultURL", "https://v.vault.azure.net");
        assertThat(parseWith(base, "EncryptionManagedIdentity", "client_id=01234567-89ab-cdef-0123-456789abcdef").settings().identity())
                .isEqualTo(new IdentitySetting.UserAssigned("client_id=01234567-89ab-cdef-0123-456789abcdef"));
        assertThat(parseWith(base, "EncryptionManagedIdentity", "System").settings().identity())
                .isEqualTo(new IdentitySetting.SystemAssigned());
        assertThat(parseWith(base, "EncryptionManagedIdentity", "colour=blue").problems()).extracting(SettingsProblem::code)
                .containsExactly(SettingsError.MANAGED_IDENTITY_INVALID);
        assertThat(parseWith(base, "AADClientID", "01234567-89ab-cdef-0123-456789abcdef").problems())
                .extracting(SettingsProblem::code).containsExactly(SettingsError.CREDENTIALS_INCOMPLETE);
    }

    @Test
    void resourceIdMustNameTheSameVault() {
        Map<String, Object> m = new java.util.HashMap<>(Map.of("EncryptionOperation", "EnableEncryption", "VolumeType", "Data",
                "KeyVaultURL", "https://alpha.vault.azure.net",
                "KeyVaultResourceId", "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/beta"));
        assertThat(SettingsParser.parse(m, Map.of()).problems()).singleElement()
                .satisfies(p -> assertThat(p.problem()).contains("beta").contains("alpha"));
    }

    @Test
    void diskFormatQueryAndVolumes() {
        SettingsResult r = SettingsParser.parse(Map.of("EncryptionOperation", "EnableEncryptionFormat", "VolumeType", "Data",
                "KeyVaultURL", "https://v.vault.azure.net",
                "DiskFormatQuery", "[{\"dev\":\"/dev/disk/azure/scsi1/lun0\",\"name\":\"d0\",\"file_system\":\"XFS\",\"mount_point\":\"/mnt/d0\"}]",
                "Volumes", "/data/, /srv"), Map.of());
        assertThat(r.problems()).isEmpty();
        assertThat(r.settings().formatTargets()).containsExactly(new FormatTarget("/dev/disk/azure/scsi1/lun0", "d0", "xfs", "/mnt/d0"));
        assertThat(r.settings().volumes()).containsExactly("/data", "/srv");
        SettingsResult bad = SettingsParser.parse(Map.of("EncryptionOperation", "EnableEncryptionFormat", "VolumeType", "Data",
                "KeyVaultURL", "https://v.vault.azure.net", "DiskFormatQuery", "[{\"dev\":"), Map.of());
        assertThat(bad.problems()).extracting(SettingsProblem::code).containsExactly(SettingsError.DISK_FORMAT_QUERY_INVALID);
        SettingsResult relative = SettingsParser.parse(Map.of("EncryptionOperation", "EnableEncryption", "VolumeType", "Data",
                "KeyVaultURL", "https://v.vault.azure.net", "Volumes", List.of("data")), Map.of());
        assertThat(relative.problems()).extracting(SettingsProblem::code).containsExactly(SettingsError.VOLUMES_INVALID);
    }

    private static SettingsResult parseWith(Map<String, Object> base, String key, String value) {
        Map<String, Object> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return SettingsParser.parse(m, Map.of());
    }
}
