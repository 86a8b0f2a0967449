package dev.guestcrypt.agent.keys.keyvault;

import dev.guestcrypt.agent.keys.KekAlgorithm;
import dev.guestcrypt.agent.keys.VolumeIdentity;

import java.util.LinkedHashMap;
import java.util.Map;

/** The tags on a passphrase secret: ADE's (so ADE tooling and the portal understand it) plus guestcrypt's. */
final class SecretTags {
    static final String KEY_FILE_NAME = "DiskEncryptionKeyFileName";
    static final String ALGORITHM = "DiskEncryptionKeyEncryptionAlgorithm";
    static final String KEK_URL = "DiskEncryptionKeyEncryptionKeyURL";
    static final String MACHINE_NAME = "MachineName";
    static final String LUKS_UUID = "GuestcryptLuksUuid";
    static final String DEVICE = "GuestcryptDevice";
    static final String VOLUME_TYPE = "GuestcryptVolumeType";

    private SecretTags() {}

    static Map<String, String> of(VolumeIdentity volume, KekAlgorithm algorithm, String versionedKekId) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(KEY_FILE_NAME, volume.keyFileName());
        tags.put(ALGORITHM, algorithm.wireName()); // ADE always writes it, even without a KEK
        if (versionedKekId != null) {
            tags.put(KEK_URL, versionedKekId);
        }
        if (volume.machineName().matches("^[\\w-]+$")) { // ADE's rule for MachineName
            tags.put(MACHINE_NAME, volume.machineName());
        }
        tags.put(LUKS_UUID, volume.luksUuid());
        tags.put(DEVICE, truncate(volume.devicePath()));
        tags.put(VOLUME_TYPE, volume.volumeType() == dev.guestcrypt.agent.keys.VolumeType.OS ? "OsVolume" : "DataVolume");
        return tags;
    }

    private static String truncate(String value) {
        return value.length() <= 256 ? value : value.substring(value.length() - 256); // Key Vault's tag value limit
    }
}
