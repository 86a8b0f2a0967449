package dev.guestcrypt.testkit.kv;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/**
 * A throwaway certificate authority for the emulator: it signs the TLS certificate of the fake
 * vaults, and client certificates for service-principal tests. Tests and guests trust it through
 * its PEM or a PKCS12 trust store.
 */
public final class TestCa {
    /** Host names every emulator certificate covers: all Key Vault clouds, Managed HSM, Entra ID. */
    public static final List<String> DEFAULT_DNS_NAMES = List.of("localhost", "*.vault.azure.net", "*.vault.azure.cn",
            "*.vault.usgovcloudapi.net", "*.vault.microsoftazure.de", "*.managedhsm.azure.net",
            "login.microsoftonline.com", "login.chinacloudapi.cn", "login.microsoftonline.us");
    public static final String TRUST_STORE_PASSWORD = "changeit";

    private static final SecureRandom RANDOM = new SecureRandom();
    private final KeyPair caKeys;
    private final X509Certificate caCertificate;

    private TestCa(KeyPair caKeys, X509Certificate caCertificate) {
        this.caKeys = caKeys;
        this.caCertificate = caCertificate;
    }

    public static TestCa generate() {
        try {
            KeyPair keys = rsa(2048);
            X500Name name = new X500Name("CN=guestcrypt test CA " + Long.toHexString(RANDOM.nextLong()));
            X509v3CertificateBuilder builder = builder(name, name, keys, Duration.ofDays(3650));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new TestCa(keys, sign(builder, keys));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create the test CA", e);
        }
    }

    /** Restores a CA saved with {@link #encodedCertificate()} and {@link #encodedPrivateKey()}. */
    public static TestCa restore(byte[] certificateDer, byte[] privateKeyPkcs8) {
        try {
            X509Certificate certificate = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(certificateDer));
            java.security.PrivateKey key = java.security.KeyFactory.getInstance("RSA")
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(privateKeyPkcs8));
            return new TestCa(new KeyPair(certificate.getPublicKey(), key), certificate);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot restore the test CA", e);
        }
    }

    public byte[] encodedCertificate() {
        return encoded(caCertificate);
    }

    public byte[] encodedPrivateKey() {
        return caKeys.getPrivate().getEncoded();
    }

    public X509Certificate certificate() {
        return caCertificate;
    }

    /** A TLS server certificate (key pair + chain) for {@code dnsNames} and 127.0.0.1. */
    public Issued issueServer(List<String> dnsNames) {
        try {
            KeyPair keys = rsa(2048);
            X509v3CertificateBuilder builder = builder(X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()),
                    new X500Name("CN=" + dnsNames.get(0).replace("*", "wildcard")), keys, Duration.ofDays(825));
            List<GeneralName> names = new ArrayList<>();
            dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            return new Issued(keys, sign(builder, caKeys));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue the server certificate", e);
        }
    }

    /** A client certificate, as an Entra ID application credential would use. */
    public Issued issueClient(String commonName) {
        try {
            KeyPair keys = rsa(2048);
            X509v3CertificateBuilder builder = builder(X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()),
                    new X500Name("CN=" + commonName), keys, Duration.ofDays(825));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            return new Issued(keys, sign(builder, caKeys));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue the client certificate", e);
        }
    }

    /** The CA certificate as PEM, for {@code update-ca-certificates} or an agent's trusted CA option. */
    public String caPem() {
        return pem("CERTIFICATE", encoded(caCertificate));
    }

    public void writeCaPem(Path file) throws IOException {
        Files.writeString(file, caPem(), StandardCharsets.US_ASCII);
    }

    /** A PKCS12 trust store holding only the CA, password {@value #TRUST_STORE_PASSWORD}. */
    public void writeTrustStore(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("guestcrypt-test-ca", caCertificate);
            store.store(out, TRUST_STORE_PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the trust store " + file, e);
        }
    }

    /** A key pair and its certificate signed by this CA. */
    public record Issued(KeyPair keys, X509Certificate certificate) {
        public String certificatePem() {
            return pem("CERTIFICATE", encoded(certificate));
        }

        /** PKCS#8 private key PEM, as the guest agent's {@code .prv} files hold. */
        public String privateKeyPem() {
            return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
        }

        /** Upper-case hex SHA-1 of the certificate: the thumbprint Azure shows. */
        public String thumbprint() {
            try {
                return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(encoded(certificate)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        KeyStore keyStore(X509Certificate ca) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("server", keys.getPrivate(), TRUST_STORE_PASSWORD.toCharArray(),
                        new Certificate[] {certificate, ca});
                return store;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsa(int bits) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits, RANDOM);
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(validity)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
