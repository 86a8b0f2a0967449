package dev.guestcrypt.nativebind.jna;

import com.sun.jna.Structure;

/** {@code struct crypt_pbkdf_type} (40 bytes on LP64). */
@Structure.FieldOrder({"type", "hash", "time_ms", "iterations", "max_memory_kb", "parallel_threads", "flags"})
public class CryptPbkdfType extends Structure {
    public String type;
    public String hash;
    public int time_ms;
    public int iterations;
    public int max_memory_kb;
    public int parallel_threads;
    public int flags;

    public static class ByReference extends CryptPbkdfType implements Structure.ByReference {}
}
