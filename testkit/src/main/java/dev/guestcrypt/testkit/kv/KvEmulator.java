package dev.guestcrypt.testkit.kv;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local Azure Key Vault + IMDS double that the unmodified Azure SDK talks to: HTTPS vaults
 * addressed by host name ({@code <name>.vault.azure.net}, other clouds, Managed HSM) with a
 * certificate from its own {@link TestCa}, Entra ID client-credentials on the same listener, and
 * the IMDS / App Service token endpoint plus a management API on a plain-HTTP listener.
 *
 * <p>Use as a library ({@link #builder()}) or standalone ({@code kv-emulator} testkit command).
 */
public final class KvEmulator implements AutoCloseable {
    /** Host name suffixes served as vaults; any host under them is a vault that exists on first use. */
    public static final List<String> VAULT_SUFFIXES = List.of(".vault.azure.net", ".vault.azure.cn",
            ".vault.usgovcloudapi.net", ".vault.microsoftazure.de", ".managedhsm.azure.net");

    static {
        // The JDK server writes headers and body in separate segments; without TCP_NODELAY each
        // answer waits for the client's delayed ACK (about 40 ms) and the emulator looks slow.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final EmulatorState state;
    private final Path stateFile;
    private final TestCa ca;
    private final TokenService tokens;
    private final String appServiceSecret;
    private final List<String> extraVaultHosts;
    private final List<FaultRule> faults = new CopyOnWriteArrayList<>();
    private final List<RequestRecord> requests = new CopyOnWriteArrayList<>();
    private final HttpsServer vaultServer;
    private final HttpServer tokenServer;
    private final ExecutorService executor;

    /** One request as the emulator saw it. */
    public record RequestRecord(String listener, String method, String host, String path, int status, String identity) {}

    private KvEmulator(Builder b) throws IOException {
        this.stateFile = b.stateFile;
        this.state = stateFile != null && Files.exists(stateFile) ? EmulatorState.load(stateFile) : new EmulatorState();
        initialise(state);
        this.ca = TestCa.restore(Base64.getDecoder().decode(state.caCertificate), Base64.getDecoder().decode(state.caPrivateKey));
        this.tokens = new TokenService(Base64.getDecoder().decode(state.tokenSigningKey), state.tenantId);
        this.appServiceSecret = b.appServiceSecret;
        this.extraVaultHosts = b.extraDnsNames.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
        persist();

        List<String> dns = new ArrayList<>(TestCa.DEFAULT_DNS_NAMES);
        dns.addAll(b.extraDnsNames);
        SSLContext tls = serverTls(ca.issueServer(dns), ca.certificate());
        InetAddress bind = InetAddress.getByName(b.bindAddress);
        this.executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "kv-emulator");
            t.setDaemon(true);
            return t;
        });
        VaultApi vaultApi = new VaultApi(this);
        AadApi aadApi = new AadApi(this);
        TokenApi tokenApi = new TokenApi(this);
        this.vaultServer = HttpsServer.create(new InetSocketAddress(bind, b.vaultPort), 64);
        vaultServer.setHttpsConfigurator(new HttpsConfigurator(tls));
        vaultServer.createContext("/", ex -> dispatch("vault", ex, (e, r) -> {
            if (HttpIo.host(e).startsWith("login.")) {
                aadApi.handle(e, r);
            } else {
                vaultApi.handle(e, r);
            }
        }));
        vaultServer.setExecutor(executor);
        this.tokenServer = HttpServer.create(new InetSocketAddress(bind, b.tokenPort), 64);
        tokenServer.createContext("/", ex -> dispatch("token", ex, tokenApi::handle));
        tokenServer.setExecutor(executor);
        vaultServer.start();
        tokenServer.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Port of the HTTPS listener (vaults and Entra ID). */
    public int vaultPort() {
        return vaultServer.getAddress().getPort();
    }

    /** Port of the plain-HTTP listener (IMDS token endpoint and management API). */
    public int tokenPort() {
        return tokenServer.getAddress().getPort();
    }

    /** {@code https://<name>.vault.azure.net:<port>}. */
    public String vaultUrl(String vaultName) {
        return "https://" + vaultName + ".vault.azure.net:" + vaultPort();
    }

    /** The Entra ID authority host to configure for service principals. */
    public String authorityHost() {
        return "https://login.microsoftonline.com:" + vaultPort() + "/";
    }

    /** The value for {@code AZURE_POD_IDENTITY_AUTHORITY_HOST}: where IMDS is. */
    public String imdsEndpoint() {
        return "http://127.0.0.1:" + tokenPort();
    }

    public TestCa ca() {
        return ca;
    }

    public String tenantId() {
        return state.tenantId;
    }

    String appServiceSecret() {
        return appServiceSecret;
    }

    TokenService tokens() {
        return tokens;
    }

    Instant now() {
        return Instant.now();
    }

    EmulatorState state() {
        return state;
    }

    // ---- identities and permissions ----

    /** The VM's system-assigned identity (always present). */
    public synchronized EmulatorState.IdentityRecord systemIdentity() {
        return state.identities.values().stream().filter(i -> i.kind.equals("system")).findFirst().orElseThrow();
    }

    /** Adds a user-assigned managed identity with fresh ids and the given ARM resource name. */
    public EmulatorState.IdentityRecord addUserAssignedIdentity(String name) {
        EmulatorState.IdentityRecord record = new EmulatorState.IdentityRecord();
        record.kind = "user";
        record.resourceId = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
                + "Microsoft.ManagedIdentity/userAssignedIdentities/" + name;
        return addIdentity(record);
    }

    /** Adds a service principal that authenticates with {@code clientSecret}. */
    public EmulatorState.IdentityRecord addServicePrincipalWithSecret(String clientSecret) {
        EmulatorState.IdentityRecord record = new EmulatorState.IdentityRecord();
        record.kind = "app";
        record.clientSecret = clientSecret;
        return addIdentity(record);
    }

    /** Adds a service principal that authenticates with a client assertion signed by {@code certificate}'s key. */
    public EmulatorState.IdentityRecord addServicePrincipalWithCertificate(X509Certificate certificate) {
        EmulatorState.IdentityRecord record = new EmulatorState.IdentityRecord();
        record.kind = "app";
        try {
            record.certificate = Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(e);
        }
        return addIdentity(record);
    }

    public synchronized EmulatorState.IdentityRecord addIdentity(EmulatorState.IdentityRecord record) {
        if (record.objectId == null) {
            record.objectId = UUID.randomUUID().toString();
        }
        if (record.clientId == null) {
            record.clientId = UUID.randomUUID().toString();
        }
        state.identities.put(record.objectId, record);
        persist();
        return record;
    }

    /**
     * Limits what {@code objectId} may do in vault {@code vaultHost} to {@code operations}
     * ({@code secrets/get}, {@code secrets/set}, {@code keys/wrapKey}, {@code keys/*}...);
     * null restores full access.
     */
    public synchronized void setPermissions(String vaultHost, String objectId, List<String> operations) {
        EmulatorState.Vault vault = vault(vaultHost.toLowerCase(Locale.ROOT));
        if (operations == null) {
            vault.permissions.remove(objectId);
        } else {
            vault.permissions.put(objectId, new ArrayList<>(operations));
        }
        persist();
    }

    synchronized EmulatorState.IdentityRecord identityByClientId(String clientId, String kind) {
        return state.identities.values().stream().filter(i -> i.kind.equals(kind) && clientId.equalsIgnoreCase(i.clientId))
                .findFirst().orElse(null);
    }

    synchronized EmulatorState.IdentityRecord managedIdentity(String clientId, String objectId, String resourceId) {
        if (clientId == null && objectId == null && resourceId == null) {
            return systemIdentity();
        }
        return state.identities.values().stream().filter(i -> i.kind.equals("user"))
                .filter(i -> clientId == null || clientId.equalsIgnoreCase(i.clientId))
                .filter(i -> objectId == null || objectId.equalsIgnoreCase(i.objectId))
                .filter(i -> resourceId == null || resourceId.equalsIgnoreCase(i.resourceId))
                .findFirst().orElse(null);
    }

    // ---- vault contents, for test assertions ----

    boolean knowsVaultHost(String host) {
        return VAULT_SUFFIXES.stream().anyMatch(host::endsWith) || extraVaultHosts.contains(host);
    }

    synchronized EmulatorState.Vault vault(String host) {
        return state.vaults.computeIfAbsent(host, h -> new EmulatorState.Vault());
    }

    /** Names of the live (not deleted) secrets of a vault host, e.g. {@code kv1.vault.azure.net}. */
    public synchronized List<String> secretNames(String vaultHost) {
        EmulatorState.Vault vault = state.vaults.get(vaultHost);
        return vault == null ? List.of() : vault.secrets.entrySet().stream().filter(e -> e.getValue().deletedDate == null)
                .map(java.util.Map.Entry::getKey).toList();
    }

    /** All versions of a secret, oldest first (copies). */
    public synchronized List<EmulatorState.SecretVersion> secretVersions(String vaultHost, String name) {
        EmulatorState.Vault vault = state.vaults.get(vaultHost);
        EmulatorState.Item<EmulatorState.SecretVersion> item = vault == null ? null : vault.secrets.get(name);
        return item == null ? List.of() : List.copyOf(item.versions);
    }

    /** Creates an RSA key directly (as an operator would in the portal) and returns its version. */
    public synchronized String createRsaKey(String vaultHost, String name, int bits, List<String> keyOps) {
        EmulatorState.KeyVersion key = new EmulatorState.KeyVersion();
        try {
            java.security.KeyPair pair = RsaKeys.generate(bits, java.math.BigInteger.valueOf(65537));
            key.privateKey = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
            key.publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        key.version = UUID.randomUUID().toString().replace("-", "");
        key.keySize = bits;
        key.kty = vaultHost.contains(".managedhsm.") ? "RSA-HSM" : "RSA";
        key.keyOps = new ArrayList<>(keyOps == null ? RsaKeys.ALL_OPS : keyOps);
        key.created = key.updated = now().getEpochSecond();
        vault(vaultHost).keys.computeIfAbsent(name, n -> new EmulatorState.Item<>()).versions.add(key);
        persist();
        return key.version;
    }

    /** Decrypts with a stored key's private half, so tests can check wrapped values independently of the client. */
    public synchronized byte[] unwrapWithStoredKey(String vaultHost, String name, String version, String algorithm, byte[] wrapped) {
        EmulatorState.KeyVersion key = state.vaults.get(vaultHost).keys.get(name).versions.stream()
                .filter(k -> k.version.equals(version)).findFirst().orElseThrow();
        try {
            return RsaKeys.apply(key, "unwrapKey", algorithm, wrapped);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Enables or disables one secret version, as an operator could in the portal. */
    public synchronized void setSecretEnabled(String vaultHost, String name, String version, boolean enabled) {
        state.vaults.get(vaultHost).secrets.get(name).versions.stream().filter(v -> v.version.equals(version))
                .findFirst().orElseThrow().enabled = enabled;
        persist();
    }

    /** Deletes a secret into the vault's deleted bin (soft delete), as an operator could in the portal. */
    public synchronized void deleteSecret(String vaultHost, String name) {
        EmulatorState.Item<EmulatorState.SecretVersion> item = state.vaults.get(vaultHost).secrets.get(name);
        if (item == null || item.deletedDate != null) {
            throw new IllegalArgumentException("no live secret " + name + " in " + vaultHost);
        }
        item.deletedDate = now().getEpochSecond();
        persist();
    }

    /** Recovers a soft-deleted secret with all its versions. */
    public synchronized void recoverSecret(String vaultHost, String name) {
        EmulatorState.Item<EmulatorState.SecretVersion> item = state.vaults.get(vaultHost).secrets.get(name);
        if (item == null || item.deletedDate == null) {
            throw new IllegalArgumentException("no deleted secret " + name + " in " + vaultHost);
        }
        item.deletedDate = null;
        persist();
    }

    // ---- faults and request log ----

    public void addFault(FaultRule rule) {
        faults.add(rule);
    }

    public void clearFaults() {
        faults.clear();
    }

    public List<RequestRecord> requests() {
        return List.copyOf(requests);
    }

    public void clearRequests() {
        requests.clear();
    }

    synchronized void persist() {
        if (stateFile == null) {
            return;
        }
        try {
            state.save(stateFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save emulator state to " + stateFile, e);
        }
    }

    @Override
    public void close() {
        vaultServer.stop(0);
        tokenServer.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Handler {
        void handle(HttpExchange exchange, VaultApi.Request request) throws IOException;
    }

    private void dispatch(String listener, HttpExchange ex, Handler handler) throws IOException {
        VaultApi.Request request = new VaultApi.Request();
        String path = HttpIo.normalisedPath(ex);
        try {
            for (FaultRule rule : faults) {
                if (rule.fires(listener, ex.getRequestMethod(), HttpIo.host(ex), path)) {
                    switch (rule.action) {
                        case DROP -> throw new HttpIo.DropConnection();
                        case DELAY -> sleep(rule.delayMillis);
                        case STATUS -> {
                            if (rule.retryAfterSeconds > 0) {
                                ex.getResponseHeaders().set("Retry-After", String.valueOf(rule.retryAfterSeconds));
                            }
                            String code = rule.status == 429 ? "Throttled" : rule.status == 403 ? "Forbidden"
                                    : rule.status == 404 ? "NotFound" : rule.status == 401 ? "Unauthorized" : "InternalServerError";
                            if (listener.equals("token")) {
                                HttpIo.oauthError(ex, rule.status, code, "injected fault " + rule);
                            } else {
                                HttpIo.kvError(ex, rule.status, code, "Injected fault: " + rule, null);
                            }
                            return;
                        }
                    }
                }
            }
            handler.handle(ex, request);
        } catch (HttpIo.DropConnection e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (ex.getResponseCode() < 0) {
                HttpIo.kvError(ex, 500, "InternalServerError", "Emulator failure: " + e, null);
            }
        } finally {
            requests.add(new RequestRecord(listener, ex.getRequestMethod(), HttpIo.host(ex), path, ex.getResponseCode(),
                    request.identity));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void initialise(EmulatorState state) {
        SecureRandom random = new SecureRandom();
        if (state.caCertificate == null) {
            TestCa ca = TestCa.generate();
            state.caCertificate = Base64.getEncoder().encodeToString(ca.encodedCertificate());
            state.caPrivateKey = Base64.getEncoder().encodeToString(ca.encodedPrivateKey());
        }
        if (state.tokenSigningKey == null) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            state.tokenSigningKey = Base64.getEncoder().encodeToString(key);
        }
        if (state.tenantId == null) {
            state.tenantId = UUID.randomUUID().toString();
        }
        if (state.identities.values().stream().noneMatch(i -> "system".equals(i.kind))) {
            EmulatorState.IdentityRecord system = new EmulatorState.IdentityRecord();
            system.kind = "system";
            system.objectId = UUID.randomUUID().toString();
            system.clientId = UUID.randomUUID().toString();
            system.resourceId = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
                    + "Microsoft.Compute/virtualMachines/vm";
            state.identities.put(system.objectId, system);
        }
    }

    private static SSLContext serverTls(TestCa.Issued server, X509Certificate caCertificate) throws IOException {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(server.keyStore(caCertificate), TestCa.TRUST_STORE_PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up the emulator's TLS", e);
        }
    }

    /** Settings for {@link #start()}. Ports 0 mean "any free port". */
    public static final class Builder {
        private int vaultPort;
        private int tokenPort;
        private String bindAddress = "127.0.0.1";
        private Path stateFile;
        private final List<String> extraDnsNames = new ArrayList<>();
        private String appServiceSecret = "guestcrypt-emulator-identity-header";

        public Builder vaultPort(int port) {
            vaultPort = port;
            return this;
        }

        public Builder tokenPort(int port) {
            tokenPort = port;
            return this;
        }

        /** Address both listeners bind to; 127.0.0.1 unless a VM must reach them through a bridge. */
        public Builder bindAddress(String address) {
            bindAddress = address;
            return this;
        }

        /** Where state lives across restarts; null keeps it in memory only. */
        public Builder stateFile(Path file) {
            stateFile = file;
            return this;
        }

        /** Extra names the TLS certificate covers and that are served as vaults. */
        public Builder extraDnsName(String name) {
            extraDnsNames.add(name);
            return this;
        }

        public Builder appServiceSecret(String secret) {
            appServiceSecret = secret;
            return this;
        }

        public KvEmulator start() {
            try {
                return new KvEmulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the Key Vault emulator", e);
            }
        }
    }
}
