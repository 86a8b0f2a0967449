package dev.guestcrypt.nativebind.luks;

/** State of a device-mapper name ({@code crypt_status}). */
public enum MappingStatus {
    INACTIVE, ACTIVE, BUSY
}
