package dev.guestcrypt.agent.execute.steps;

import dev.guestcrypt.agent.execute.OperationContext;
import dev.guestcrypt.agent.execute.Step;
import dev.guestcrypt.agent.execute.VolumeCrypto;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.keys.KeyTokenCodec;
import dev.guestcrypt.agent.keys.ProtectedKey;
import dev.guestcrypt.agent.keys.VolumeIdentity;
import dev.guestcrypt.agent.keys.VolumeType;
import dev.guestcrypt.agent.plan.Planner;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.util.List;

/**
 * Makes the volume's passphrase and stores it in the vault, read back and verified, before any
 * byte of the volume changes, then rehearses the header write on a scratch file. Run again after a
 * crash, it stores a fresh passphrase: the earlier one was never used.
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
            String token = KeyTokenCodec.toJson(key.token().withKeyslots(List.of(FIRST_KEYSLOT)));
            // Still mounted and untouched: prove the header this operation writes can be written.
            ctx.ports().crypto().rehearse(headerKind(ctx), Planner.HEADER_ROOM_BYTES, token);
            ctx.put(OperationContext.TOKEN, token);
            ctx.put(OperationContext.KEY_REFERENCE, key.reference());
            ctx.setPassphrase(passphrase);
            passphrase = null;
        } finally {
            if (passphrase != null) {
                passphrase.close();
            }
        }
    }

    private static VolumeCrypto.HeaderKind headerKind(OperationContext ctx) {
        return switch (ctx.getOr(OperationContext.KIND, OperationContext.KIND_IN_PLACE)) {
            case OperationContext.KIND_DETACHED -> VolumeCrypto.HeaderKind.DETACHED;
            case OperationContext.KIND_FORMAT -> VolumeCrypto.HeaderKind.WHOLE_DEVICE;
            default -> VolumeCrypto.HeaderKind.IN_PLACE;
        };
    }
}
