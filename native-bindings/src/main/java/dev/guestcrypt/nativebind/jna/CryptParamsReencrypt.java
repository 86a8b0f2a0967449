package dev.guestcrypt.nativebind.jna;

import com.sun.jna.Structure;

/**
 * {@code struct crypt_params_reencrypt} (64 bytes on LP64). {@code data_shift},
 * {@code max_hotzone_size} and {@code device_size} are in 512-byte sectors. When filled by
 * {@code crypt_reencrypt_status}, {@code resilience} and {@code hash} point into library memory:
 * JNA copies them into Java strings on read.
 */
@Structure.FieldOrder({"mode", "direction", "resilience", "hash", "data_shift", "max_hotzone_size",
        "device_size", "luks2", "flags"})
public class CryptParamsReencrypt extends Structure {
    public int mode;
    public int direction;
    public String resilience;
    public String hash;
    public long data_shift;
    public long max_hotzone_size;
    public long device_size;
    public CryptParamsLuks2.ByReference luks2;
    public int flags;
}
