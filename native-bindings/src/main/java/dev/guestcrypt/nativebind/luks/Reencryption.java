package dev.guestcrypt.nativebind.luks;

import com.sun.jna.Pointer;
import dev.guestcrypt.nativebind.jna.CryptParamsReencrypt;
import dev.guestcrypt.nativebind.jna.LibCryptsetup;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.lang.ref.Reference;

/**
 * Re-encryption state and runs on one handle. Starting a conversion is done by
 * {@link LuksConversions}; this facet resumes, runs and recovers whatever the header records.
 */
public final class Reencryption {
    private final LuksDevice device;

    Reencryption(LuksDevice device) {
        this.device = device;
    }

    public ReencryptStatus status() {
        Native.begin();
        int info = device.lib().crypt_reencrypt_status(device.handle(), null);
        switch (info) {
            case LibCryptsetup.CRYPT_REENCRYPT_NONE:
                return ReencryptStatus.NONE;
            case LibCryptsetup.CRYPT_REENCRYPT_CLEAN:
                return ReencryptStatus.CLEAN;
            case LibCryptsetup.CRYPT_REENCRYPT_CRASH:
                return ReencryptStatus.CRASH;
            default:
                return ReencryptStatus.INVALID;
        }
    }

    /** Status plus the kind of the pending conversion, read from the header. */
    public ReencryptInfo info() {
        CryptParamsReencrypt params = new CryptParamsReencrypt();
        Native.begin();
        int info = device.lib().crypt_reencrypt_status(device.handle(), params);
        params.read(); // copies the library-owned strings
        ReencryptStatus status = status();
        if (status == ReencryptStatus.NONE || info == LibCryptsetup.CRYPT_REENCRYPT_NONE) {
            return new ReencryptInfo(ReencryptStatus.NONE, null, null, 0, false);
        }
        ReencryptInfo.Mode[] modes = ReencryptInfo.Mode.values();
        ReencryptInfo.Mode mode = params.mode >= 0 && params.mode < modes.length ? modes[params.mode] : null;
        return new ReencryptInfo(status, mode, params.resilience, params.data_shift * 512,
                (params.flags & LibCryptsetup.CRYPT_REENCRYPT_REPAIR_NEEDED) != 0);
    }

    /**
     * Repairs a re-encryption interrupted inside a hotzone (status CRASH), as {@code cryptsetup
     * repair} does. Afterwards the status is CLEAN, or NONE when recovery finished the job. Reopen
     * the device before running again.
     */
    public void recover(SecretBytes passphrase) {
        LuksDevice.requireSecret(passphrase, "passphrase");
        CryptParamsReencrypt params = new CryptParamsReencrypt();
        params.flags = LibCryptsetup.CRYPT_REENCRYPT_RECOVERY;
        params.write();
        Native.begin();
        Native.check(device.lib().crypt_reencrypt_init_by_passphrase(device.handle(), null, passphrase.pointer(),
                passphrase.length(), LibCryptsetup.CRYPT_ANY_SLOT, LibCryptsetup.CRYPT_ANY_SLOT, null, null,
                params), "crypt_reencrypt_init_by_passphrase (recovery)", device.describe());
        Reference.reachabilityFence(params);
    }

    /**
     * Resumes the pending re-encryption and runs it until done or until {@code listener} asks to
     * stop. With {@code activeName} it runs online through /dev/mapper/{@code activeName} (the
     * mapping must be active); with null it runs offline on the device itself (nothing may use it).
     */
    public RunOutcome run(String activeName, SecretBytes passphrase, ProgressListener listener, RunOptions options) {
        LuksDevice.requireSecret(passphrase, "passphrase");
        ProgressListener effectiveListener = listener == null ? ProgressListener.none() : listener;
        RunOptions effectiveOptions = options == null ? RunOptions.defaults() : options;
        ReencryptStatus before = status();
        if (before == ReencryptStatus.NONE) {
            throw new IllegalStateException("no re-encryption is pending on " + device.describe()
                    + "; start one with LuksConversions first");
        }
        if (before != ReencryptStatus.CLEAN) {
            throw new IllegalStateException("re-encryption of " + device.describe() + " is in state " + before
                    + "; call recover(passphrase) and reopen the device, then run again");
        }
        CryptParamsReencrypt params = new CryptParamsReencrypt();
        params.flags = LibCryptsetup.CRYPT_REENCRYPT_RESUME_ONLY;
        params.max_hotzone_size = effectiveOptions.maxHotzoneSectors(); // bounds memory on every resume
        params.write();
        Native.begin();
        Native.check(device.lib().crypt_reencrypt_init_by_passphrase(device.handle(), activeName,
                passphrase.pointer(), passphrase.length(), LibCryptsetup.CRYPT_ANY_SLOT,
                LibCryptsetup.CRYPT_ANY_SLOT, null, null, params), "crypt_reencrypt_init_by_passphrase (resume)",
                device.describe(), activeName == null ? null : "online run needs /dev/mapper/" + activeName
                        + " active on this device");
        Reference.reachabilityFence(params);
        return runLoaded(effectiveListener);
    }

    /** Runs a re-encryption context that an init on this handle has just loaded. */
    RunOutcome runLoaded(ProgressListener listener) {
        ProgressBridge bridge = new ProgressBridge(listener);
        Native.begin();
        int rc = device.lib().crypt_reencrypt_run(device.handle(), bridge, Pointer.NULL);
        Reference.reachabilityFence(bridge);
        Native.check(rc, "crypt_reencrypt_run", device.describe());
        bridge.rethrowListenerFailure();
        ReencryptStatus after = status();
        if (after == ReencryptStatus.NONE) {
            return RunOutcome.FINISHED;
        }
        if (bridge.stopRequested() && after == ReencryptStatus.CLEAN) {
            return RunOutcome.STOPPED;
        }
        throw new CryptsetupException("crypt_reencrypt_run", device.describe(), 0,
                "the run returned but re-encryption is still " + after + "; check the library log, recover and"
                        + " resume");
    }

    /** Starts a conversion on this handle; returns the library's result (a keyslot id or 0). */
    int init(String activeName, SecretBytes passphrase, int keyslotOld, int keyslotNew, String cipher,
             String cipherMode, CryptParamsReencrypt params, String what) {
        LuksDevice.requireSecret(passphrase, "passphrase");
        params.write();
        Native.begin();
        int rc = Native.check(device.lib().crypt_reencrypt_init_by_passphrase(device.handle(), activeName,
                passphrase.pointer(), passphrase.length(), keyslotOld, keyslotNew, cipher, cipherMode, params),
                "crypt_reencrypt_init_by_passphrase (" + what + ")", device.describe());
        Reference.reachabilityFence(params);
        return rc;
    }
}
