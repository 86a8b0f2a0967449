package dev.guestcrypt.agent.settings;

import dev.guestcrypt.agent.keys.KekAlgorithm;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.util.List;
import java.util.Objects;

/**
 * Validated encryption settings, whatever their source. Holds the only copies of the settings'
 * secrets ({@code AADClientSecret}, {@code Passphrase}) in {@link SecretBytes}; close it when done.
 *
 * @param operation          what to do
 * @param volumeType         which volumes (null only for {@link EncryptionOperation#QUERY_ENCRYPTION_STATUS})
 * @param keyVaultUrl        vault for new secrets, normalised to {@code https://host} (null for query/disable)
 * @param keyVaultResourceId ARM id of that vault, when given
 * @param kekUrl             key-encryption key id, or null
 * @param kekVaultResourceId ARM id of the KEK's vault, when given
 * @param kekAlgorithm       wrap algorithm (RSA-OAEP when a KEK is given without one)
 * @param identity           how to authenticate to Key Vault
 * @param aadClientSecret    client secret for {@link IdentitySetting.ClientSecret}, else null
 * @param passphrase         caller-supplied passphrase (ADE {@code Passphrase}), else null
 * @param formatTargets      ADE's {@code DiskFormatQuery}, empty when not given
 * @param volumes            mount points to limit the operation to (CLI {@code --volumes}); empty = all
 * @param sequenceVersion    ADE's {@code SequenceVersion}, or null
 */
public record EncryptionSettings(EncryptionOperation operation, VolumeSelection volumeType, String keyVaultUrl,
                                 String keyVaultResourceId, String kekUrl, String kekVaultResourceId,
                                 KekAlgorithm kekAlgorithm, IdentitySetting identity, SecretBytes aadClientSecret,
                                 SecretBytes passphrase, List<FormatTarget> formatTargets, List<String> volumes,
                                 String sequenceVersion) implements AutoCloseable {
    public EncryptionSettings {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(identity, "identity");
        formatTargets = List.copyOf(formatTargets);
        volumes = List.copyOf(volumes);
    }

    @Override
    public void close() {
        if (aadClientSecret != null) {
            aadClientSecret.close();
        }
        if (passphrase != null) {
            passphrase.close();
        }
    }

    @Override
    public String toString() {
        return "EncryptionSettings[operation=" + operation.adeName() + ", volumeType="
                + (volumeType == null ? "-" : volumeType.adeName()) + ", keyVaultUrl=" + keyVaultUrl + ", kekUrl=" + kekUrl
                + ", kekAlgorithm=" + kekAlgorithm + ", identity=" + identity + ", volumes=" + volumes + "]";
    }
}
