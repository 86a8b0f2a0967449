package dev.guestcrypt.testkit.kv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code kv-emulator}: runs the emulator until killed.
 *
 * <pre>
 * kv-emulator [--port P] [--imds-port Q] [--bind ADDR] [--state FILE] [--export-dir DIR]
 *             [--dns NAME]... [--identity-header SECRET]
 * </pre>
 * {@code --export-dir} receives {@code ca.pem}, {@code truststore.p12} (password changeit) and
 * {@code endpoints.env} (ports, tenant and identity ids) once the listeners are up.
 */
public final class KvEmulatorCommand {
    private KvEmulatorCommand() {}

    public static int run(String[] args) throws IOException, InterruptedException {
        KvEmulator.Builder builder = KvEmulator.builder();
        Path exportDir = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> builder.vaultPort(Integer.parseInt(require(args[i], value)));
                case "--imds-port" -> builder.tokenPort(Integer.parseInt(require(args[i], value)));
                case "--bind" -> builder.bindAddress(require(args[i], value));
                case "--state" -> builder.stateFile(Path.of(require(args[i], value)));
                case "--export-dir" -> exportDir = Path.of(require(args[i], value));
                case "--dns" -> builder.extraDnsName(require(args[i], value));
                case "--identity-header" -> builder.appServiceSecret(require(args[i], value));
                case "-h", "--help" -> {
                    System.out.println("usage: kv-emulator [--port P] [--imds-port Q] [--bind ADDR] [--state FILE] "
                            + "[--export-dir DIR] [--dns NAME]... [--identity-header SECRET]");
                    return 0;
                }
                default -> {
                    System.err.println("kv-emulator: unknown option '" + args[i] + "' (try --help)");
                    return 2;
                }
            }
            i++;
        }
        KvEmulator emulator = builder.start();
        if (exportDir != null) {
            Files.createDirectories(exportDir);
            emulator.ca().writeCaPem(exportDir.resolve("ca.pem"));
            emulator.ca().writeTrustStore(exportDir.resolve("truststore.p12"));
            EmulatorState.IdentityRecord system = emulator.systemIdentity();
            Files.writeString(exportDir.resolve("endpoints.env"), "KV_PORT=" + emulator.vaultPort() + "\nIMDS_PORT="
                    + emulator.tokenPort() + "\nTENANT_ID=" + emulator.tenantId() + "\nSYSTEM_IDENTITY_OBJECT_ID="
                    + system.objectId + "\nSYSTEM_IDENTITY_CLIENT_ID=" + system.clientId + "\n");
        }
        System.out.println("kv-emulator: vaults on https://*.vault.azure.net:" + emulator.vaultPort() + ", IMDS on "
                + emulator.imdsEndpoint() + ", management on " + emulator.imdsEndpoint() + "/emulator/");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
