package dev.guestcrypt.agent.boot;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The agent's own Java trust store, when the image has one ({@code /etc/guestcrypt/trust.p12},
 * password-less PKCS#12 or with the password in {@code trust.p12.password}); otherwise the JDK's.
 */
final class TrustStore {
    private TrustStore() {}

    static void useAgentTrustStore(Path configDir) {
        Path store = configDir.resolve("trust.p12");
        if (!Files.isReadable(store) || System.getProperty("javax.net.ssl.trustStore") != null) {
            return;
        }
        System.setProperty("javax.net.ssl.trustStore", store.toString());
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        Path password = configDir.resolve("trust.p12.password");
        try {
            System.setProperty("javax.net.ssl.trustStorePassword",
                    Files.isReadable(password) ? Files.readString(password).trim() : "changeit");
        } catch (java.io.IOException e) {
            System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        }
    }
}
