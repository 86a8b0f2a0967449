package dev.guestcrypt.agent.service;

import java.nio.file.Path;

/** Where the agent keeps its files (the install contract); tests point them elsewhere. */
public record Paths(Path etc, Path config, Path state, Path run, Path mountInfo) {
    public static Paths system() {
        return new Paths(Path.of("/etc"), Path.of("/etc/guestcrypt"), Path.of("/var/lib/guestcrypt"), Path.of("/run/guestcrypt"),
                Path.of("/proc/self/mountinfo"));
    }

    public Path agentConfig() {
        return config.resolve("agent.json");
    }

    public Path desired() {
        return config.resolve("desired.json");
    }

    public Path journal() {
        return state.resolve("journal");
    }

    public Path status() {
        return state.resolve("status.json");
    }

    public Path lock() {
        return run.resolve("agent.lock");
    }
}
