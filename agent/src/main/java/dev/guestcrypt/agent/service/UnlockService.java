package dev.guestcrypt.agent.service;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.ExecuteError;
import dev.guestcrypt.agent.execute.VolumeCrypto;
import dev.guestcrypt.agent.inventory.BlockDevice;
import dev.guestcrypt.agent.inventory.CrypttabEntry;
import dev.guestcrypt.agent.inventory.Inventory;
import dev.guestcrypt.agent.keys.KeyProtector;
import dev.guestcrypt.agent.keys.KeyTokenCodec;
import dev.guestcrypt.agent.plan.MapperNames;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Opens an encrypted volume at boot: finds it through its crypttab line, reads the key token from
 * its LUKS2 header, fetches the passphrase (retrying the vault with growing pauses up to a bound,
 * as the network may come up late) and activates the mapping.
 */
public final class UnlockService {
    private final Supplier<Inventory> inventory;
    private final VolumeCrypto crypto;
    private final KeyProtector keys;
    private final Clock clock;
    private final Duration maxWait;

    public UnlockService(Supplier<Inventory> inventory, VolumeCrypto crypto, KeyProtector keys, Clock clock, Duration maxWait) {
        this.inventory = inventory;
        this.crypto = crypto;
        this.keys = keys;
        this.clock = clock;
        this.maxWait = maxWait;
    }

    /** Opens {@code name}; with {@code wait}, retries until it works or the bound passes. */
    public void unlock(String name, boolean wait, Listener listener) {
        Instant deadline = clock.instant().plus(wait ? maxWait : Duration.ZERO);
        Duration pause = Duration.ofSeconds(2);
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                if (crypto.isActive(name)) {
                    listener.say(name + " is open");
                    return;
                }
                openOnce(name);
                listener.say(name + " opened" + (attempt > 1 ? " after " + attempt + " attempts" : ""));
                return;
            } catch (AgentException e) {
                boolean permanent = e.code() == ServiceError.VOLUME_NOT_IN_CRYPTTAB || e.code() == ExecuteError.NO_KEY_TOKEN;
                if (permanent || clock.instant().plus(pause).isAfter(deadline)) {
                    if (attempt > 1) {
                        throw new AgentException(ServiceError.UNLOCK_GAVE_UP, "could not open " + name + " in " + attempt
                                + " attempts over " + maxWait.toSeconds() + " s; last error: " + e.describe(), e.fix(), e);
                    }
                    throw e;
                }
                listener.say("attempt " + attempt + " to open " + name + " failed: " + e.describe() + "; retrying in "
                        + pause.toSeconds() + " s");
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60) : pause.multipliedBy(2);
            }
        }
    }

    /** Opens every guestcrypt volume named in crypttab; returns the names that failed. */
    public List<String> unlockAll(boolean wait, Listener listener) {
        List<String> failed = new ArrayList<>();
        for (CrypttabEntry e : inventory.get().crypttab()) {
            if (!e.name().startsWith(MapperNames.PREFIX)) {
                continue;
            }
            try {
                unlock(e.name(), wait, listener);
            } catch (AgentException ex) {
                listener.say(ex.describe());
                failed.add(e.name());
            }
        }
        return failed;
    }

    private void openOnce(String name) {
        Inventory inv = inventory.get();
        CrypttabEntry entry = inv.crypttabEntry(name).orElseThrow(() -> new AgentException(ServiceError.VOLUME_NOT_IN_CRYPTTAB,
                "/etc/crypttab has no line for '" + name + "'", "use a name from /etc/crypttab (guestcrypt names start with gc-)"));
        Optional<String> header = entry.option("header");
        Optional<BlockDevice> found = header.isPresent()
                ? inv.luks().entrySet().stream().filter(e -> header.get().equals(e.getValue().headerPath()))
                        .findFirst().flatMap(e -> inv.device(e.getKey()))
                : resolve(inv, entry.device());
        BlockDevice device = found.orElseThrow(() -> new AgentException(ExecuteError.VOLUME_GONE,
                "the device " + entry.device() + " of " + name + " is not attached", "attach the disk; the unlock is retried"));
        String token = inv.luksOf(device.name()).flatMap(l -> l.guestcryptToken()).orElseThrow(() -> new AgentException(
                ExecuteError.NO_KEY_TOKEN, device.path() + " (" + name + ") has no guestcrypt key token in its LUKS2 header",
                "open it by hand: cryptsetup open " + device.path() + " " + name));
        var parsed = KeyTokenCodec.fromJson(token);
        SecretBytes passphrase;
        try {
            passphrase = keys.unprotect(parsed);
        } catch (AgentException e) {
            String where = parsed instanceof dev.guestcrypt.agent.keys.KeyVaultToken kv ? "Key Vault (" + kv.vaultUrl() + ")" : "its key file";
            throw new AgentException(e.code(), "cannot get the key of " + name + " from " + where + ": " + e.getMessage(), e.fix(), e);
        }
        try (passphrase) {
            crypto.activate(device.path(), header.orElse(null), name, passphrase);
        }
    }

    private static Optional<BlockDevice> resolve(Inventory inv, String spec) {
        if (spec.startsWith("UUID=")) {
            return inv.byUuid(spec.substring(5));
        }
        if (spec.startsWith("/dev/disk/by-uuid/")) {
            return inv.byUuid(spec.substring("/dev/disk/by-uuid/".length()));
        }
        return inv.byPath(spec);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException(ServiceError.UNLOCK_GAVE_UP, "interrupted while waiting to retry", "");
        }
    }
}
