package dev.guestcrypt.testkit.vm;

import dev.guestcrypt.testkit.kv.TestCa;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Makes the guest trust the Key Vault emulator's test CA, in both places the agent's world looks:
 * the system store (/usr/local/share/ca-certificates, its hash link and the bundle
 * /etc/ssl/certs/ca-certificates.crt, exactly as update-ca-certificates would leave them),
 * the JDK's cacerts (what ca-certificates-java would write, done from the host), and
 * /etc/guestcrypt/trust.p12, the agent's own trust store when present.
 */
public final class GuestTrust {
    public static final String SYSTEM_CA_FILE = "/usr/local/share/ca-certificates/guestcrypt-test-ca.crt";
    public static final String AGENT_TRUST_STORE = "/etc/guestcrypt/trust.p12";
    public static final String JDK_CACERTS = "/etc/ssl/certs/java/cacerts";
    private static final String JDK_ALIAS = "debian:guestcrypt-test-ca.pem";

    private GuestTrust() {}

    /** Trusts the emulator's CA in the system store and in the agent's trust store. */
    public static void install(GuestVm vm, TestCa ca) {
        try {
            Path p12 = Files.createTempFile("gc-trust-", ".p12");
            try {
                ca.writeTrustStore(p12);
                install(vm, ca.caPem(), Files.readAllBytes(p12));
            } finally {
                Files.deleteIfExists(p12);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the trust store for the guest", e);
        }
    }

    /**
     * @param caPem the CA certificate in PEM
     * @param trustStoreP12 a PKCS#12 trust store holding the same CA (password "changeit"), or null
     */
    public static void install(GuestVm vm, String caPem, byte[] trustStoreP12) {
        vm.shOk("mkdir -p /usr/local/share/ca-certificates");
        vm.writeFile(SYSTEM_CA_FILE, caPem.getBytes(StandardCharsets.US_ASCII), "0644");
        // What update-ca-certificates would do for one added local CA, done directly: its full run
        // (one openssl per certificate, then a JVM for the Java hook) takes minutes under
        // emulation on a busy machine. The JDK store is updated from the host below.
        vm.shOk("set -e; cd /etc/ssl/certs; ln -sfn " + SYSTEM_CA_FILE + " guestcrypt-test-ca.pem;"
                + " ln -sfn guestcrypt-test-ca.pem \"$(openssl x509 -hash -noout -in " + SYSTEM_CA_FILE + ").0\";"
                + " grep -qF \"$(sed -n 2p " + SYSTEM_CA_FILE + ")\" ca-certificates.crt || cat " + SYSTEM_CA_FILE + " >> ca-certificates.crt;"
                + " sync ca-certificates.crt", Duration.ofMinutes(3));
        vm.writeFile(JDK_CACERTS, withCa(vm.readFile(JDK_CACERTS), caPem), "0644");
        if (trustStoreP12 != null) {
            vm.shOk("mkdir -p /etc/guestcrypt");
            vm.writeFile(AGENT_TRUST_STORE, trustStoreP12, "0644");
        }
    }

    /** The JDK's cacerts (PKCS#12, password changeit) with the CA added as ca-certificates-java would name it. */
    static byte[] withCa(byte[] cacerts, String caPem) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(cacerts), TestCa.TRUST_STORE_PASSWORD.toCharArray());
            Certificate ca = CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)));
            store.setCertificateEntry(JDK_ALIAS, ca);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, TestCa.TRUST_STORE_PASSWORD.toCharArray());
            return out.toByteArray();
        } catch (IOException | GeneralSecurityException e) {
            throw new VmException("cannot add the test CA to the guest's JDK cacerts", e);
        }
    }

    /** True when the guest's JDK cacerts holds this CA. */
    public static boolean jdkTrusts(GuestVm vm, String caPem) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(vm.readFile(JDK_CACERTS)), TestCa.TRUST_STORE_PASSWORD.toCharArray());
            Certificate ca = CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)));
            return store.getCertificateAlias(ca) != null;
        } catch (IOException | GeneralSecurityException e) {
            throw new VmException("cannot read the guest's JDK cacerts", e);
        }
    }
}
