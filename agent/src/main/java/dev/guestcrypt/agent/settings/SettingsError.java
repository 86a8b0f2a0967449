package dev.guestcrypt.agent.settings;

import dev.guestcrypt.agent.error.ErrorCode;

/** Problems with encryption settings (from the extension, the CLI or the desired-state file). */
public enum SettingsError implements ErrorCode {
    OPERATION_MISSING("GC4001"),
    OPERATION_UNKNOWN("GC4002"),
    VOLUME_TYPE_INVALID("GC4003"),
    KEY_VAULT_URL_MISSING("GC4004"),
    KEY_VAULT_URL_INVALID("GC4005"),
    KEK_URL_INVALID("GC4006"),
    KEK_ALGORITHM_UNKNOWN("GC4007"),
    AAD_CLIENT_ID_INVALID("GC4008"),
    CREDENTIALS_CONFLICT("GC4009"),
    CREDENTIALS_INCOMPLETE("GC4010"),
    MANAGED_IDENTITY_INVALID("GC4011"),
    DISK_FORMAT_QUERY_INVALID("GC4012"),
    DISK_FORMAT_QUERY_MISSING("GC4013"),
    RESOURCE_ID_MISMATCH("GC4014"),
    VALUE_NOT_TEXT("GC4015"),
    VOLUMES_INVALID("GC4016"),
    AGENT_CONFIG_INVALID("GC4017");

    private final String id;

    SettingsError(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    /** ADE's configuration_error, so that callers of the extension see the code they know. */
    @Override
    public int exitCode() {
        return 53;
    }
}
