package dev.guestcrypt.testkit.vm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start a guest: which cached image (run on a private qcow2 overlay), memory, data disks,
 * and which host loopback ports the guest may reach: IMDS (169.254.169.254:80) and the Key Vault
 * emulator's HTTPS port (vault host names resolve in the guest to {@link #VAULT_ADDRESS}:443).
 * Nothing else is reachable from the guest.
 */
public record VmConfig(String name, VmImage.Layout layout, int memoryMiB, int cpus, List<DataDisk> dataDisks,
                       int imdsPort, int vaultPort, List<String> vaultHosts, Duration bootTimeout) {

    /** The guest address that qemu forwards to the host's vault port. */
    public static final String VAULT_ADDRESS = "169.254.10.20";
    /** Azure's instance metadata address, forwarded to the host's IMDS port. */
    public static final String IMDS_ADDRESS = "169.254.169.254";

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public static final class Builder {
        private final String name;
        private VmImage.Layout layout = VmImage.Layout.A;
        private int memoryMiB = 1536;
        private int cpus = 2;
        private final List<DataDisk> dataDisks = new ArrayList<>();
        private int imdsPort;
        private int vaultPort;
        private final List<String> vaultHosts = new ArrayList<>(List.of("login.microsoftonline.com"));
        private Duration bootTimeout = Duration.ofSeconds(360); // generous: CI machines may be busy

        private Builder(String name) {
            this.name = name;
        }

        public Builder layout(VmImage.Layout l) { this.layout = l; return this; }
        public Builder memoryMiB(int m) { this.memoryMiB = m; return this; }
        public Builder cpus(int c) { this.cpus = c; return this; }
        public Builder dataDisk(DataDisk d) { this.dataDisks.add(d); return this; }
        /** Host loopback port the guest reaches as http://169.254.169.254 (0 = none). */
        public Builder imdsPort(int port) { this.imdsPort = port; return this; }
        /** Host loopback port the guest reaches as https://VAULT_HOST:443 (0 = none). */
        public Builder vaultPort(int port) { this.vaultPort = port; return this; }
        /** A name such as myvault.vault.azure.net that the guest resolves to the forwarded vault port. */
        public Builder vaultHost(String host) { this.vaultHosts.add(host); return this; }
        public Builder bootTimeout(Duration t) { this.bootTimeout = t; return this; }

        public VmConfig build() {
            return new VmConfig(name, layout, memoryMiB, cpus, List.copyOf(dataDisks), imdsPort, vaultPort,
                    List.copyOf(vaultHosts), bootTimeout);
        }
    }
}
