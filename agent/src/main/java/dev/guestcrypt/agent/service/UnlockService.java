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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Opens encrypted volumes at boot: finds each through its crypttab line, reads the key token from
 * its LUKS2 header, fetches the passphrase and activates the mapping. With waiting, a failure that
 * time may cure (vault unreachable, disk not attached yet) is retried with growing pauses (2 s
 * doubling to 60 s) up to a bound, as the network or the vault may come up late; one that needs a
 * person (secret deleted, permission removed) is reported at once.
 *
 * <p>{@link #unlockAll} is what boot runs: one process for every volume, retrying the ones still
 * closed together in rounds, so a volume that cannot open (its header not written yet, its secret
 * refused) never holds up the others, and a machine with many volumes does not start one JVM per
 * volume at once.
 */
public final class UnlockService {
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(2);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(60);

    private final Supplier<Inventory> inventory;
    private final VolumeCrypto crypto;
    private final KeyProtector keys;
    private final Clock clock;
    private final Duration maxWait;
    private final Consumer<Duration> pauser;

    public UnlockService(Supplier<Inventory> inventory, VolumeCrypto crypto, KeyProtector keys, Clock clock, Duration maxWait) {
        this(inventory, crypto, keys, clock, maxWait, UnlockService::sleep);
    }

    /** As above, with the pause between rounds given (tests advance a clock instead of sleeping). */
    public UnlockService(Supplier<Inventory> inventory, VolumeCrypto crypto, KeyProtector keys, Clock clock, Duration maxWait,
                         Consumer<Duration> pauser) {
        this.inventory = inventory;
        this.crypto = crypto;
        this.keys = keys;
        this.clock = clock;
        this.maxWait = maxWait;
        this.pauser = pauser;
    }

    /** Opens {@code name}; with {@code wait}, retries until it works or the bound passes. */
    public void unlock(String name, boolean wait, Listener listener) {
        Map<String, AgentException> failed = run(List.of(name), wait, listener);
        if (failed.containsKey(name)) {
            throw failed.get(name);
        }
    }

    /** Opens every guestcrypt volume named in crypttab; returns the ones that failed, with why, in crypttab's order. */
    public Map<String, AgentException> unlockAll(boolean wait, Listener listener) {
        List<String> names = inventory.get().crypttab().stream().map(CrypttabEntry::name)
                .filter(n -> n.startsWith(MapperNames.PREFIX)).toList();
        Map<String, AgentException> failed = run(names, wait, listener);
        failed.values().forEach(e -> listener.say(e.describe()));
        return failed;
    }

    /** Tries every pending volume once per round; returns the ones that could not be opened, with why. */
    private Map<String, AgentException> run(List<String> names, boolean wait, Listener listener) {
        Instant deadline = clock.instant().plus(wait ? maxWait : Duration.ZERO);
        Map<String, AgentException> failed = new LinkedHashMap<>();
        Map<String, AgentException> lastError = new LinkedHashMap<>();
        List<String> pending = new ArrayList<>(names);
        Duration pause = FIRST_PAUSE;
        for (int round = 1; !pending.isEmpty(); round++) {
            for (Iterator<String> it = pending.iterator(); it.hasNext(); ) {
                String name = it.next();
                try {
                    if (crypto.isActive(name)) {
                        listener.say(name + " is open");
                    } else {
                        openOnce(name);
                        listener.say(name + " opened" + (round > 1 ? " after " + round + " attempts" : ""));
                    }
                    it.remove();
                } catch (AgentException e) {
                    if (e.code().permanent()) {
                        failed.put(name, e);
                        it.remove();
                    } else {
                        lastError.put(name, e);
                    }
                }
            }
            if (pending.isEmpty()) {
                break;
            }
            if (clock.instant().plus(pause).isAfter(deadline)) {
                for (String name : pending) {
                    failed.put(name, gaveUp(name, round, lastError.get(name)));
                }
                break;
            }
            for (String name : pending) {
                listener.say("attempt " + round + " to open " + name + " failed: " + lastError.get(name).describe()
                        + "; retrying in " + pause.toSeconds() + " s");
            }
            pauser.accept(pause);
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
        return failed;
    }

    private AgentException gaveUp(String name, int attempts, AgentException last) {
        if (attempts == 1) {
            return last;
        }
        return new AgentException(ServiceError.UNLOCK_GAVE_UP, "could not open " + name + " in " + attempts
                + " attempts over " + maxWait.toSeconds() + " s; last error: " + last.describe(), last.fix(), last);
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
            String where = parsed instanceof dev.guestcrypt.agent.keys.KeyVaultToken kv ? "Key Vault (secret " + kv.secretUrl() + ")" : "its key file";
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
