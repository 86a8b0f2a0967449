package dev.guestcrypt.agent.boot;

import dev.guestcrypt.agent.cli.CliContext;
import dev.guestcrypt.agent.cli.GuestcryptCommand;
import dev.guestcrypt.agent.daemon.Daemon;
import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.Ports;
import dev.guestcrypt.agent.keys.PassphraseGenerator;
import dev.guestcrypt.agent.os.Ext4Tools;
import dev.guestcrypt.agent.os.LuksMetadataCli;
import dev.guestcrypt.agent.os.NativeLuksInit;
import dev.guestcrypt.agent.os.NativeVolumeCrypto;
import dev.guestcrypt.agent.os.ProcessCommandRunner;
import dev.guestcrypt.agent.os.SdNotify;
import dev.guestcrypt.agent.os.SystemInventoryReader;
import dev.guestcrypt.agent.os.SystemMounter;
import dev.guestcrypt.agent.os.SystemctlUnits;
import dev.guestcrypt.agent.os.TabFileBootConfig;
import dev.guestcrypt.agent.service.AgentService;
import dev.guestcrypt.agent.service.Paths;
import dev.guestcrypt.agent.service.UnlockService;
import dev.guestcrypt.agent.settings.AgentConfig;
import dev.guestcrypt.nativebind.luks.RunOptions;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Entry point of the guestcrypt jar and the composition root: the only place naming concrete adapters. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        configureLogging();
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code;
        try {
            code = GuestcryptCommand.execute(new SystemContext(Paths.system()), args, out, err);
        } catch (AgentException e) {
            code = dev.guestcrypt.agent.cli.ExitCodes.report(e, err);
        }
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** The real machine: system paths, system programs, Key Vault. Parts are built on first use. */
    static final class SystemContext implements CliContext {
        private final Paths paths;
        private final ProcessCommandRunner runner = new ProcessCommandRunner();
        private final NativeVolumeCrypto crypto;
        private AgentConfig config;
        private VaultKeyStores keyStores;
        private AgentService agent;

        SystemContext(Paths paths) {
            this.paths = paths;
            this.crypto = new NativeVolumeCrypto(new NativeLuksInit(paths.state().resolve("work"), NativeLuksInit.RANDOM_PASSPHRASE_KDF),
                    RunOptions.defaults(), paths.run().resolve("rehearsal"));
        }

        private synchronized AgentConfig config() {
            if (config == null) {
                config = AgentConfig.defaults();
                Path file = paths.agentConfig();
                if (Files.exists(file)) {
                    try {
                        config = AgentConfig.parse(Files.readString(file), file.toString());
                    } catch (java.io.IOException e) {
                        throw new AgentException(dev.guestcrypt.agent.settings.SettingsError.AGENT_CONFIG_INVALID,
                                "cannot read " + file + ": " + e.getMessage(), "check its permissions");
                    }
                }
                TrustStore.useAgentTrustStore(paths.config());
            }
            return config;
        }

        private synchronized VaultKeyStores keyStores() {
            if (keyStores == null) {
                keyStores = new VaultKeyStores(config(), paths);
            }
            return keyStores;
        }

        private SystemInventoryReader inventoryReader() {
            return new SystemInventoryReader(runner, new LuksMetadataCli(runner), paths.etc(), paths.mountInfo());
        }

        @Override
        public synchronized AgentService agent() {
            if (agent == null) {
                config();
                Ports ports = new Ports(keyStores(), PassphraseGenerator.strong(), crypto, new Ext4Tools(runner),
                        new SystemMounter(runner, paths.mountInfo(), Duration.ofSeconds(10)),
                        new TabFileBootConfig(paths.etc().resolve("fstab"), paths.etc().resolve("crypttab")), hostName(),
                        SystemInventoryReader::stablePath, paths.state().resolve("headers").toString());
                SystemInventoryReader reader = inventoryReader();
                agent = new AgentService(paths, reader::read, ports, unlock(), new SystemctlUnits(runner), Clock.systemUTC());
            }
            return agent;
        }

        @Override
        public UnlockService unlock() {
            SystemInventoryReader reader = inventoryReader();
            return new UnlockService(reader::read, crypto, keyStores().unlocking(), Clock.systemUTC(),
                    Duration.ofSeconds(config().unlockWaitSeconds()));
        }

        @Override
        public Daemon daemon() {
            return new Daemon(agent(), new SdNotify(runner, System.getenv()), SdNotify.watchdogInterval(System.getenv()));
        }
    }

    private static String hostName() {
        try {
            String name = Files.exists(Path.of("/etc/hostname")) ? Files.readString(Path.of("/etc/hostname")).trim() : "";
            return name.isEmpty() ? InetAddress.getLocalHost().getHostName() : name;
        } catch (Exception e) {
            return "unknown-host";
        }
    }

    /** One line per record on stderr (systemd's journal adds the time). */
    private static void configureLogging() {
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new SimpleFormatter() {
            @Override
            public synchronized String format(LogRecord r) {
                return r.getLevel().getName().toLowerCase() + ": " + formatMessage(r) + System.lineSeparator();
            }
        });
        handler.setLevel(Level.INFO);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        // The Azure SDK logs through its own layer; keep it quiet unless something is wrong.
        Logger.getLogger("com.azure").setLevel(Level.WARNING);
    }
}
