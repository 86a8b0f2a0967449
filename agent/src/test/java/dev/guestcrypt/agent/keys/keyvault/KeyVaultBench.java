package dev.guestcrypt.agent.keys.keyvault;

import dev.guestcrypt.agent.keys.KekAlgorithm;
import dev.guestcrypt.agent.keys.KeyToken;
import dev.guestcrypt.agent.keys.PassphraseGenerator;
import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Benchmark (not a test; run by {@code scripts/bench/keyvault.sh} against a standalone emulator):
 * client build time, a cold and warm store+verify with a KEK, warm fetch+unwrap, and RSS.
 * Prints one {@code key=value} line.
 *
 * <p>Arguments: vault URL, management URL of the emulator (to create the KEK), rounds.
 */
public final class KeyVaultBench {
    private KeyVaultBench() {}

    public static void main(String[] args) throws Exception {
        String vaultUrl = args[0];
        String management = args[1];
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        String vaultHost = URI.create(vaultUrl).getHost();
        String kekVersion = createKek(management, vaultHost);

        long start = System.nanoTime();
        KeyVaultProtector protector = (KeyVaultProtector) KeyVaultProtectors.create(KeyVaultProtectorOptions.of(vaultUrl,
                new KeyVaultCredential.SystemAssignedIdentity()).withKek(vaultUrl + "/keys/bench-kek/" + kekVersion, KekAlgorithm.RSA_OAEP));
        protector.buildClients();
        double buildMs = millisSince(start);

        PassphraseGenerator generator = PassphraseGenerator.strong();
        KeyToken token;
        start = System.nanoTime();
        try (SecretBytes passphrase = generator.generate()) {
            token = protector.protect(passphrase, EmulatorFixture.volume()).token();
        }
        double firstProtectMs = millisSince(start);

        List<Double> protects = new ArrayList<>();
        for (int i = 0; i < rounds / 2; i++) {
            try (SecretBytes passphrase = generator.generate()) {
                long t = System.nanoTime();
                protector.protect(passphrase, EmulatorFixture.volume());
                protects.add(millisSince(t));
            }
        }
        start = System.nanoTime();
        protector.unprotect(token).close();
        double firstUnprotectMs = millisSince(start);
        List<Double> unprotects = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            long t = System.nanoTime();
            try (SecretBytes ignored = protector.unprotect(token)) {
                unprotects.add(millisSince(t));
            }
        }
        System.out.printf("transport=%s build_clients_ms=%.0f first_store_verify_ms=%.0f warm_store_verify_ms_median=%.1f "
                        + "first_fetch_unwrap_ms=%.1f warm_fetch_unwrap_ms_median=%.1f warm_fetch_unwrap_ms_max=%.1f rss_mb=%d peak_rss_mb=%d%n",
                System.getProperty(AzureClients.TRANSPORT_PROPERTY, "jdk"), buildMs, firstProtectMs, median(protects),
                firstUnprotectMs, median(unprotects), Collections.max(unprotects), statusKb("VmRSS:") / 1024, statusKb("VmHWM:") / 1024);
        System.exit(0); // Netty's non-daemon threads would otherwise keep the JVM alive
    }

    private static String createKek(String management, String vaultHost) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(management + "/keys"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"vault\":\"" + vaultHost + "\",\"name\":\"bench-kek\",\"bits\":2048}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return response.body().replaceAll(".*\"version\"\\s*:\\s*\"([0-9a-f]+)\".*", "$1");
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static long statusKb(String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return -1;
    }
}
