package dev.guestcrypt.agent.keys.keyvault;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.KeyClientBuilder;
import com.azure.security.keyvault.keys.cryptography.CryptographyClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClientBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import dev.guestcrypt.agent.error.AgentException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds and caches the Azure SDK clients: one HTTP client (JDK transport, bounded timeouts,
 * optional extra trusted CA), one credential, and secret / key / crypto clients per vault or key.
 */
final class AzureClients {
    /** Never log requests or bodies, whatever AZURE_HTTP_LOG_DETAIL_LEVEL says: bodies carry secret values. */
    private static final HttpLogOptions NO_BODY_LOGGING = new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE);
    private final KeyVaultProtectorOptions options;
    private final HttpClient http;
    private final Map<String, TokenCredential> credentials = new ConcurrentHashMap<>();
    private final Map<String, SecretClient> secretClients = new ConcurrentHashMap<>();
    private final Map<String, KeyClient> keyClients = new ConcurrentHashMap<>();
    private final Map<String, CryptographyClient> cryptoClients = new ConcurrentHashMap<>();

    AzureClients(KeyVaultProtectorOptions options) {
        this.options = options;
        checkCredentialFiles(options.credential());
        this.http = TRANSPORT_NETTY.equals(System.getProperty(TRANSPORT_PROPERTY)) ? nettyForBenchmark(options) : jdk(options);
    }

    /** Benchmark hook: {@code -Dguestcrypt.keyvault.transport=netty} with Netty on the class path (Maven profile bench-netty). */
    static final String TRANSPORT_PROPERTY = "guestcrypt.keyvault.transport";
    static final String TRANSPORT_NETTY = "netty";

    /** The JDK HttpClient transport: no extra threads or native code, smaller for a resident daemon. */
    private static HttpClient jdk(KeyVaultProtectorOptions options) {
        java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder();
        if (options.trustedCaPem() != null) {
            jdk.sslContext(sslContextTrusting(options));
        }
        return new JdkHttpClientBuilder(jdk)
                .connectionTimeout(shorter(options.requestTimeout(), Duration.ofSeconds(10)))
                .responseTimeout(options.requestTimeout())
                .readTimeout(options.requestTimeout())
                .writeTimeout(options.requestTimeout())
                .build();
    }

    /** The SDK's default Netty transport, found by class name so that production code does not depend on it. */
    @SuppressWarnings("unchecked")
    private static HttpClient nettyForBenchmark(KeyVaultProtectorOptions options) {
        try {
            Class<? extends com.azure.core.http.HttpClientProvider> provider = (Class<? extends com.azure.core.http.HttpClientProvider>)
                    Class.forName("com.azure.core.http.netty.NettyAsyncHttpClientProvider");
            return HttpClient.createDefault(new com.azure.core.util.HttpClientOptions().setHttpClientProvider(provider)
                    .setConnectTimeout(shorter(options.requestTimeout(), Duration.ofSeconds(10)))
                    .setResponseTimeout(options.requestTimeout()).setReadTimeout(options.requestTimeout())
                    .setWriteTimeout(options.requestTimeout()));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the Netty transport is not on the class path (use the bench-netty profile)", e);
        }
    }

    SecretClient secrets(VaultAddress vault) {
        return secretClients.computeIfAbsent(vault.baseUrl(), url -> new SecretClientBuilder()
                .vaultUrl(url).credential(credential(vault)).httpClient(http).retryOptions(retryOptions())
                .httpLogOptions(NO_BODY_LOGGING)
                .addPolicy(new RetryAfterCap(options.maxRetryAfter())).buildClient());
    }

    KeyClient keys(VaultAddress vault) {
        return keyClients.computeIfAbsent(vault.baseUrl(), url -> new KeyClientBuilder()
                .vaultUrl(url).credential(credential(vault)).httpClient(http).retryOptions(retryOptions())
                .httpLogOptions(NO_BODY_LOGGING)
                .addPolicy(new RetryAfterCap(options.maxRetryAfter())).buildClient());
    }

    /** A crypto client for a versioned key id; it fetches the public key once and wraps locally where it can. */
    CryptographyClient crypto(VaultAddress vault, String versionedKeyId) {
        return cryptoClients.computeIfAbsent(versionedKeyId, id -> new CryptographyClientBuilder()
                .keyIdentifier(id).credential(credential(vault)).httpClient(http).retryOptions(retryOptions())
                .httpLogOptions(NO_BODY_LOGGING)
                .addPolicy(new RetryAfterCap(options.maxRetryAfter())).buildClient());
    }

    private RetryOptions retryOptions() {
        return new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(options.maxRetries())
                .setBaseDelay(Duration.ofMillis(500)).setMaxDelay(Duration.ofSeconds(8)))
                .setShouldRetryCondition(condition -> condition.getResponse() != null
                        ? KeyVaultFailures.isRetryableStatus(condition.getResponse().getStatusCode())
                        : !KeyVaultFailures.isPermanent(condition.getThrowable()));
    }

    /** One credential per Entra ID cloud (the authority differs); managed identity ignores it. */
    private TokenCredential credential(VaultAddress vault) {
        String authority = options.authorityHost() != null ? options.authorityHost() : vault.authorityHost();
        return credentials.computeIfAbsent(authority, this::buildCredential);
    }

    private TokenCredential buildCredential(String authority) {
        boolean customAuthority = options.authorityHost() != null;
        KeyVaultCredential credential = options.credential();
        if (credential instanceof KeyVaultCredential.SystemAssignedIdentity) {
            return new ManagedIdentityCredentialBuilder().httpClient(http).build();
        }
        if (credential instanceof KeyVaultCredential.UserAssignedIdentity user) {
            ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder().httpClient(http);
            return switch (user.kind()) {
                case CLIENT_ID -> builder.clientId(user.id()).build();
                case OBJECT_ID -> builder.objectId(user.id()).build();
                case RESOURCE_ID -> builder.resourceId(user.id()).build();
            };
        }
        if (credential instanceof KeyVaultCredential.ServicePrincipalSecret sp) {
            byte[] secret = sp.clientSecret().copyToArray();
            try {
                ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder().clientId(sp.clientId())
                        .clientSecret(new String(secret, StandardCharsets.UTF_8))
                        .tenantId(sp.tenantId() == null ? "organizations" : sp.tenantId())
                        .additionallyAllowedTenants("*").authorityHost(authority).httpClient(http);
                if (customAuthority) {
                    builder.disableInstanceDiscovery();
                }
                return builder.build();
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
        }
        KeyVaultCredential.ServicePrincipalCertificate sp = (KeyVaultCredential.ServicePrincipalCertificate) credential;
        byte[] pem = null;
        try {
            byte[] key = pkcs8Pem(sp);
            byte[] cert = Files.readAllBytes(sp.certificateFile());
            pem = new byte[key.length + 1 + cert.length];
            System.arraycopy(key, 0, pem, 0, key.length);
            pem[key.length] = '\n';
            System.arraycopy(cert, 0, pem, key.length + 1, cert.length);
            Arrays.fill(key, (byte) 0);
            try (InputStream in = new ByteArrayInputStream(pem)) {
                ClientCertificateCredentialBuilder builder = new ClientCertificateCredentialBuilder().clientId(sp.clientId())
                        .pemCertificate(in).tenantId(sp.tenantId() == null ? "organizations" : sp.tenantId())
                        .additionallyAllowedTenants("*").authorityHost(authority).httpClient(http);
                if (customAuthority) {
                    builder.disableInstanceDiscovery();
                }
                return builder.build();
            }
        } catch (IOException e) {
            throw new AgentException(KeyVaultError.KEY_VAULT_CREDENTIAL_INVALID, "cannot read the certificate of "
                    + sp.describe() + " from " + sp.certificateDirectory() + ": " + e.getMessage(),
                    "check that the certificate with that thumbprint was deployed to the VM (osProfile.secrets)", e);
        } finally {
            if (pem != null) {
                Arrays.fill(pem, (byte) 0);
            }
        }
    }

    /**
     * The guest agent's {@code .prv} as PKCS#8 PEM: depending on the OpenSSL that wrote it, it can be
     * PKCS#8 or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}); the SDK's PEM reader wants the former.
     */
    private static byte[] pkcs8Pem(KeyVaultCredential.ServicePrincipalCertificate sp) throws IOException {
        try (org.bouncycastle.openssl.PEMParser parser = new org.bouncycastle.openssl.PEMParser(
                Files.newBufferedReader(sp.privateKeyFile(), StandardCharsets.US_ASCII))) {
            Object parsed = parser.readObject();
            org.bouncycastle.asn1.pkcs.PrivateKeyInfo info;
            if (parsed instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
                info = pair.getPrivateKeyInfo();
            } else if (parsed instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo plain) {
                info = plain;
            } else {
                throw new IOException("no unencrypted private key in " + sp.privateKeyFile());
            }
            byte[] der = info.getEncoded();
            try {
                return ("-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                        + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
            } finally {
                Arrays.fill(der, (byte) 0);
            }
        }
    }

    /** Refuses a certificate credential whose files are missing or do not match the thumbprint, before any request. */
    private static void checkCredentialFiles(KeyVaultCredential credential) {
        if (!(credential instanceof KeyVaultCredential.ServicePrincipalCertificate sp)) {
            return;
        }
        String fix = "deploy the certificate to the VM (it appears as /var/lib/waagent/<THUMBPRINT>.crt and .prv) "
                + "or correct AADClientCertThumbprint";
        if (!Files.isReadable(sp.certificateFile()) || !Files.isReadable(sp.privateKeyFile())) {
            throw new AgentException(KeyVaultError.KEY_VAULT_CREDENTIAL_INVALID, "the certificate " + sp.thumbprint()
                    + " of " + sp.describe() + " is not in " + sp.certificateDirectory() + " (need "
                    + sp.certificateFile().getFileName() + " and " + sp.privateKeyFile().getFileName() + ")", fix);
        }
        try (InputStream in = Files.newInputStream(sp.certificateFile())) {
            Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
            String actual = HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(certificate.getEncoded()));
            if (!actual.equals(sp.thumbprint())) {
                throw new AgentException(KeyVaultError.KEY_VAULT_CREDENTIAL_INVALID, "the certificate in "
                        + sp.certificateFile() + " has thumbprint " + actual + ", not " + sp.thumbprint(), fix);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new AgentException(KeyVaultError.KEY_VAULT_CREDENTIAL_INVALID, "cannot read the certificate "
                    + sp.certificateFile() + ": " + e.getMessage(), fix, e);
        }
    }

    /** The system trust store plus the configured CA certificate(s). */
    private static SSLContext sslContextTrusting(KeyVaultProtectorOptions options) {
        try (InputStream in = Files.newInputStream(options.trustedCaPem())) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("extra-" + i++, certificate);
            }
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            for (javax.net.ssl.TrustManager tm : system.getTrustManagers()) {
                if (tm instanceof javax.net.ssl.X509TrustManager x509) {
                    for (java.security.cert.X509Certificate ca : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("system-" + i++, ca);
                    }
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new AgentException(KeyVaultError.KEY_VAULT_TLS_FAILED, "cannot load the trusted CA file "
                    + options.trustedCaPem() + ": " + e.getMessage(), "point the trusted CA option at a PEM certificate file", e);
        }
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }
}
