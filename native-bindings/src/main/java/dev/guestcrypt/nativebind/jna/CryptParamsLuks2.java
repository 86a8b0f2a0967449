package dev.guestcrypt.nativebind.jna;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/** {@code struct crypt_params_luks2} (64 bytes on LP64). {@code data_alignment} is in 512-byte sectors. */
@Structure.FieldOrder({"pbkdf", "integrity", "integrity_params", "data_alignment", "data_device",
        "sector_size", "label", "subsystem"})
public class CryptParamsLuks2 extends Structure {
    public CryptPbkdfType.ByReference pbkdf;
    public String integrity;
    public Pointer integrity_params;
    public long data_alignment;
    public String data_device;
    public int sector_size;
    public String label;
    public String subsystem;

    public static class ByReference extends CryptParamsLuks2 implements Structure.ByReference {}
}
