package dev.guestcrypt.nativebind.jna;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw mapping of libcryptsetup 2.6 ({@code libcryptsetup.so.12}) with the C names. Internal: only
 * the {@code luks} package calls it. Every {@code int} result is {@code >= 0} on success and
 * {@code -errno} on failure. Sizes in 512-byte sectors where the C API says so (data offset, data
 * shift, hotzone size). Secrets are passed as {@link Pointer} plus length, never as strings.
 */
public interface LibCryptsetup extends Library {
    String LIBRARY_NAME = "libcryptsetup.so.12";

    String CRYPT_LUKS2 = "LUKS2";
    int CRYPT_ANY_SLOT = -1;
    int CRYPT_ANY_TOKEN = -1;

    int CRYPT_LOG_NORMAL = 0;
    int CRYPT_LOG_ERROR = 1;
    int CRYPT_LOG_VERBOSE = 2;
    int CRYPT_LOG_DEBUG = -1;
    int CRYPT_LOG_DEBUG_JSON = -2;

    int CRYPT_PBKDF_ITER_TIME_SET = 1;
    int CRYPT_PBKDF_NO_BENCHMARK = 1 << 1;

    int CRYPT_VOLUME_KEY_NO_SEGMENT = 1;
    int CRYPT_VOLUME_KEY_SET = 1 << 1;
    int CRYPT_VOLUME_KEY_DIGEST_REUSE = 1 << 2;

    int CRYPT_ACTIVATE_READONLY = 1;
    int CRYPT_ACTIVATE_ALLOW_DISCARDS = 1 << 3;
    int CRYPT_ACTIVATE_NO_READ_WORKQUEUE = 1 << 24;
    int CRYPT_ACTIVATE_NO_WRITE_WORKQUEUE = 1 << 25;

    int CRYPT_FLAGS_ACTIVATION = 0;
    int CRYPT_FLAGS_REQUIREMENTS = 1;

    int CRYPT_INVALID = 0;
    int CRYPT_INACTIVE = 1;
    int CRYPT_ACTIVE = 2;
    int CRYPT_BUSY = 3;

    int CRYPT_SLOT_INVALID = 0;
    int CRYPT_SLOT_INACTIVE = 1;
    int CRYPT_SLOT_ACTIVE = 2;
    int CRYPT_SLOT_ACTIVE_LAST = 3;
    int CRYPT_SLOT_UNBOUND = 4;

    int CRYPT_TOKEN_INVALID = 0;
    int CRYPT_TOKEN_INACTIVE = 1;

    int CRYPT_WIPE_ZERO = 0;
    int CRYPT_WIPE_NO_DIRECT_IO = 1;

    int CRYPT_REENCRYPT_INITIALIZE_ONLY = 1;
    int CRYPT_REENCRYPT_MOVE_FIRST_SEGMENT = 1 << 1;
    int CRYPT_REENCRYPT_RESUME_ONLY = 1 << 2;
    int CRYPT_REENCRYPT_RECOVERY = 1 << 3;
    int CRYPT_REENCRYPT_REPAIR_NEEDED = 1 << 4;

    int CRYPT_REENCRYPT_FORWARD = 0;
    int CRYPT_REENCRYPT_BACKWARD = 1;

    int CRYPT_REENCRYPT_REENCRYPT = 0;
    int CRYPT_REENCRYPT_ENCRYPT = 1;
    int CRYPT_REENCRYPT_DECRYPT = 2;

    int CRYPT_REENCRYPT_NONE = 0;
    int CRYPT_REENCRYPT_CLEAN = 1;
    int CRYPT_REENCRYPT_CRASH = 2;
    int CRYPT_REENCRYPT_INVALID = 3;

    /** {@code void (*log)(int level, const char *msg, void *usrptr)}. */
    interface LogCallback extends Callback {
        void invoke(int level, String message, Pointer usrptr);
    }

    /** {@code int (*progress)(uint64_t size, uint64_t offset, void *usrptr)}; non-zero stops. */
    interface ProgressCallback extends Callback {
        int invoke(long size, long offset, Pointer usrptr);
    }

    int crypt_init(PointerByReference cd, String device);

    int crypt_init_data_device(PointerByReference cd, String device, String dataDevice);

    void crypt_free(Pointer cd);

    int crypt_load(Pointer cd, String requestedType, Pointer params);

    int crypt_format(Pointer cd, String type, String cipher, String cipherMode, String uuid,
                     Pointer volumeKey, long volumeKeySize, CryptParamsLuks2 params);

    int crypt_set_data_offset(Pointer cd, long dataOffsetSectors);

    int crypt_set_pbkdf_type(Pointer cd, CryptPbkdfType pbkdf);

    int crypt_keyslot_max(String type);

    int crypt_keyslot_add_by_volume_key(Pointer cd, int keyslot, Pointer volumeKey, long volumeKeySize,
                                        Pointer passphrase, long passphraseSize);

    int crypt_keyslot_add_by_passphrase(Pointer cd, int keyslot, Pointer passphrase, long passphraseSize,
                                        Pointer newPassphrase, long newPassphraseSize);

    int crypt_keyslot_add_by_key(Pointer cd, int keyslot, Pointer volumeKey, long volumeKeySize,
                                 Pointer passphrase, long passphraseSize, int flags);

    int crypt_keyslot_change_by_passphrase(Pointer cd, int keyslotOld, int keyslotNew,
                                           Pointer passphrase, long passphraseSize,
                                           Pointer newPassphrase, long newPassphraseSize);

    int crypt_keyslot_destroy(Pointer cd, int keyslot);

    int crypt_keyslot_status(Pointer cd, int keyslot);

    int crypt_activate_by_passphrase(Pointer cd, String name, int keyslot, Pointer passphrase,
                                     long passphraseSize, int flags);

    int crypt_deactivate(Pointer cd, String name);

    int crypt_status(Pointer cd, String name);

    int crypt_volume_key_get(Pointer cd, int keyslot, Pointer volumeKey, LongByReference volumeKeySize,
                             Pointer passphrase, long passphraseSize);

    int crypt_reencrypt_init_by_passphrase(Pointer cd, String name, Pointer passphrase, long passphraseSize,
                                           int keyslotOld, int keyslotNew, String cipher, String cipherMode,
                                           CryptParamsReencrypt params);

    int crypt_reencrypt_run(Pointer cd, ProgressCallback progress, Pointer usrptr);

    int crypt_reencrypt_status(Pointer cd, CryptParamsReencrypt params);

    int crypt_token_json_set(Pointer cd, int token, String json);

    int crypt_token_json_get(Pointer cd, int token, PointerByReference json);

    int crypt_token_status(Pointer cd, int token, PointerByReference type);

    int crypt_token_assign_keyslot(Pointer cd, int token, int keyslot);

    int crypt_token_unassign_keyslot(Pointer cd, int token, int keyslot);

    int crypt_token_is_assigned(Pointer cd, int token, int keyslot);

    int crypt_header_backup(Pointer cd, String requestedType, String backupFile);

    int crypt_header_restore(Pointer cd, String requestedType, String backupFile);

    void crypt_set_log_callback(Pointer cd, LogCallback log, Pointer usrptr);

    void crypt_set_debug_level(int level);

    String crypt_get_uuid(Pointer cd);

    String crypt_get_type(Pointer cd);

    String crypt_get_cipher(Pointer cd);

    String crypt_get_cipher_mode(Pointer cd);

    long crypt_get_data_offset(Pointer cd);

    int crypt_get_volume_key_size(Pointer cd);

    int crypt_get_sector_size(Pointer cd);

    String crypt_get_device_name(Pointer cd);

    int crypt_persistent_flags_get(Pointer cd, int type, IntByReference flags);

    int crypt_wipe(Pointer cd, String devPath, int pattern, long offset, long length, long wipeBlockSize,
                   int flags, ProgressCallback progress, Pointer usrptr);
}
