package dev.guestcrypt.agent.service;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.VolumeCrypto;
import dev.guestcrypt.agent.inventory.BlockDevice;
import dev.guestcrypt.agent.inventory.Inventory;
import dev.guestcrypt.agent.inventory.LuksInfo;
import dev.guestcrypt.agent.inventory.TabFiles;
import dev.guestcrypt.agent.keys.KeyProtector;
import dev.guestcrypt.agent.keys.KeyToken;
import dev.guestcrypt.agent.keys.KeyTokenCodec;
import dev.guestcrypt.agent.keys.KeyVaultToken;
import dev.guestcrypt.agent.keys.ProtectedKey;
import dev.guestcrypt.agent.keys.VolumeIdentity;
import dev.guestcrypt.agent.keys.keyvault.KeyVaultError;
import dev.guestcrypt.nativebind.secret.SecretBytes;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The boot unlock: many volumes in one process, retried together, none holding up another. */
class UnlockServiceTest {
    private static final Duration MAX_WAIT = Duration.ofSeconds(120);

    private final MovableClock clock = new MovableClock();
    private final List<Duration> pauses = new ArrayList<>();
    private final Set<String> open = new LinkedHashSet<>();
    private final List<String> openedInOrder = new ArrayList<>();
    /** Secret name -> how many more fetches fail with "vault unavailable" (-1: for ever). */
    private final Map<String, Integer> vaultFailures = new HashMap<>();
    private final List<String> said = new ArrayList<>();
    /** Secret names the operator deleted from the vault. */
    private final Set<String> deleted = new LinkedHashSet<>();

    @Test
    void oneVolumeThatNeverOpensDoesNotDelayTheOthersBeyondOneBound() {
        vaultFailures.put("secret-d", -1); // first in crypttab, never reachable
        vaultFailures.put("secret-a", 2);  // reachable from the third round on
        Inventory inv = inventory(volume("gc-d", "vdb", true), volume("gc-a", "vdc", true), volume("gc-b", "vdd", true),
                volume("gc-c", "vde", false));

        List<String> failed = List.copyOf(service(inv).unlockAll(true, listener()).keySet());

        assertThat(failed).containsExactlyInAnyOrder("gc-d", "gc-c");
        assertThat(open).containsExactlyInAnyOrder("gc-a", "gc-b");
        assertThat(openedInOrder).containsExactly("gc-b", "gc-a"); // b at once, a after two pauses
        assertThat(pauses.subList(0, 2)).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4));
        Duration total = pauses.stream().reduce(Duration.ZERO, Duration::plus);
        assertThat(total).isLessThanOrEqualTo(MAX_WAIT); // one bound for all, not one per failing volume
        assertThat(said).anyMatch(l -> l.contains("GC5002") && l.contains("gc-d") && l.contains("GC1107"));
        assertThat(said).anyMatch(l -> l.contains("gc-c") && l.contains("no guestcrypt key token")); // refused at once
        assertThat(said).anyMatch(l -> l.equals("gc-a opened after 3 attempts"));
    }

    @Test
    void aDeletedSecretIsReportedAtOnceWhileAnUnreachableVaultIsWaitedFor() {
        deleted.add("secret-gone");
        vaultFailures.put("secret-late", 1);
        Inventory inv = inventory(volume("gc-gone", "vdb", true), volume("gc-late", "vdc", true));
        List<String> failed = List.copyOf(service(inv).unlockAll(true, listener()).keySet());

        assertThat(failed).containsExactly("gc-gone");
        assertThat(open).containsExactly("gc-late");
        assertThat(pauses).containsExactly(Duration.ofSeconds(2)); // one pause, for the vault, none for the deleted secret
        assertThat(said).noneMatch(line -> line.startsWith("attempt") && line.contains("gc-gone"));
        assertThat(said).anyMatch(line -> line.startsWith("GC1104") && line.contains("secret-gone"));
    }

    @Test
    void withoutWaitEachVolumeIsTriedOnceAndNothingSleeps() {
        vaultFailures.put("secret-a", 1);
        Inventory inv = inventory(volume("gc-a", "vdb", true), volume("gc-b", "vdc", true));

        List<String> failed = List.copyOf(service(inv).unlockAll(false, listener()).keySet());

        assertThat(failed).containsExactly("gc-a");
        assertThat(open).containsExactly("gc-b");
        assertThat(pauses).isEmpty();
    }

    @Test
    void aVolumeAlreadyOpenIsLeftAloneAndSingleUnlockThrowsTheVaultError() {
        open.add("gc-b");
        vaultFailures.put("secret-a", -1);
        Inventory inv = inventory(volume("gc-a", "vdb", true), volume("gc-b", "vdc", true));
        UnlockService service = service(inv);

        service.unlock("gc-b", false, listener());
        assertThat(openedInOrder).isEmpty();
        assertThat(said).contains("gc-b is open");

        assertThatThrownBy(() -> service.unlock("gc-a", true, listener()))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo(ServiceError.UNLOCK_GAVE_UP);
                    assertThat(e.getMessage()).contains("gc-a").contains("Key Vault");
                });
        assertThat(pauses.stream().reduce(Duration.ZERO, Duration::plus)).isLessThanOrEqualTo(MAX_WAIT).isPositive();
    }

    @Test
    void aNameNotInCrypttabIsRefusedWithoutRetrying() {
        Inventory inv = inventory(volume("gc-a", "vdb", true));
        assertThatThrownBy(() -> service(inv).unlock("gc-zz", true, listener()))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(ServiceError.VOLUME_NOT_IN_CRYPTTAB));
        assertThat(pauses).isEmpty();
    }

    // ---- fakes ----

    private record Volume(String name, String disk, boolean withToken) { }

    private static Volume volume(String name, String disk, boolean withToken) {
        return new Volume(name, disk, withToken);
    }

    private static Inventory inventory(Volume... volumes) {
        List<BlockDevice> devices = new ArrayList<>();
        Map<String, LuksInfo> luks = new HashMap<>();
        StringBuilder crypttab = new StringBuilder();
        for (Volume v : volumes) {
            String uuid = "uuid-" + v.disk();
            devices.add(new BlockDevice(v.disk(), "/dev/" + v.disk(), "disk", 1L << 30, "crypto_LUKS", uuid, "", "254:0",
                    List.of(), List.of(), "", false));
            String secret = "secret-" + v.name().substring(3);
            Optional<String> token = v.withToken()
                    ? Optional.of(KeyTokenCodec.toJson(new KeyVaultToken("https://v1.vault.azure.net", secret,
                            "0123456789abcdef0123456789abcdef", null, List.of(0))))
                    : Optional.empty();
            luks.put(v.disk(), new LuksInfo(uuid, false, token, null));
            crypttab.append(v.name()).append(" UUID=").append(uuid).append(" none luks,noauto,nofail\n");
        }
        return new Inventory(devices, List.of(), List.of(), TabFiles.parseCrypttab(crypttab.toString()), Set.of(), luks, Map.of());
    }

    private UnlockService service(Inventory inv) {
        return new UnlockService(() -> inv, crypto(), keys(), clock, MAX_WAIT, d -> {
            pauses.add(d);
            clock.advance(d);
        });
    }

    private KeyProtector keys() {
        return new KeyProtector() {
            @Override
            public String tokenType() {
                return "guestcrypt-azure-kv";
            }

            @Override
            public ProtectedKey protect(SecretBytes passphrase, VolumeIdentity volume) {
                throw new UnsupportedOperationException();
            }

            @Override
            public SecretBytes unprotect(KeyToken token) {
                String secret = ((KeyVaultToken) token).secretName();
                if (deleted.contains(secret)) {
                    throw new AgentException(KeyVaultError.KEY_VAULT_SECRET_NOT_FOUND, "the secret was not found (404)",
                            "recover it from the vault's deleted secrets");
                }
                int left = vaultFailures.getOrDefault(secret, 0);
                if (left != 0) {
                    vaultFailures.put(secret, left - 1);
                    throw new AgentException(KeyVaultError.KEY_VAULT_UNAVAILABLE, "Key Vault did not answer", "check the network");
                }
                return SecretBytes.takeFrom(("pass-" + secret).getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    private VolumeCrypto crypto() {
        return (VolumeCrypto) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{VolumeCrypto.class}, (p, m, args) ->
                switch (m.getName()) {
                    case "isActive" -> open.contains((String) args[0]);
                    case "activate" -> {
                        ((SecretBytes) args[3]).length(); // must still be live when handed over
                        open.add((String) args[2]);
                        openedInOrder.add((String) args[2]);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private Listener listener() {
        return new Listener() {
            @Override
            public void say(String line) {
                said.add(line);
            }

            @Override
            public void progress(dev.guestcrypt.agent.status.ProgressSnapshot snapshot) { }
        };
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-11-29T08:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
