package dev.guestcrypt.agent.execute.steps;

import dev.guestcrypt.agent.execute.OperationContext;
import dev.guestcrypt.agent.execute.Step;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.keys.KeyTokenCodec;
import dev.guestcrypt.agent.keys.ProtectedKey;
import dev.guestcrypt.agent.keys.VolumeIdentity;
import dev.guestcrypt.agent.keys.VolumeType;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.util.List;

/**
 * Makes the volume's passphrase and stores it in the vault, read back and verified, before any
 * byte of the volume changes. Run again after a crash, it stores a fresh passphrase: the earlier
 * one was never used.
 */
public final class ProtectKeyStep implements Step {
    /** The keyslot the first passphrase of a new LUKS2 header lands in. */
    public static final int FIRST_KEYSLOT = 0;

    @Override
    public String name() {
        return JournalSteps.KEY_PROTECTED;
    }

    @Override
    public boolean reversible() {
        return true;
    }

    @Override
    public void run(OperationContext ctx) {
        SecretBytes passphrase = ctx.ports().passphrases().generate();
        try {
            VolumeIdentity identity = VolumeIdentity.of(ctx.get(OperationContext.LUKS_UUID), ctx.device(), VolumeType.DATA,
                    ctx.ports().machineName());
            ProtectedKey key = ctx.store().protect(passphrase, identity);
            ctx.put(OperationContext.TOKEN, KeyTokenCodec.toJson(key.token().withKeyslots(List.of(FIRST_KEYSLOT))));
            ctx.put(OperationContext.KEY_REFERENCE, key.reference());
            ctx.setPassphrase(passphrase);
            passphrase = null;
        } finally {
            if (passphrase != null) {
                passphrase.close();
            }
        }
    }
}
