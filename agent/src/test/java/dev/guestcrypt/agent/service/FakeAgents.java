package dev.guestcrypt.agent.service;

import dev.guestcrypt.agent.execute.FakeMachine;
import dev.guestcrypt.agent.keys.KeyProtector;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The agent over a {@link FakeMachine}, its folders under a test's directory, and ADE's data-volume request. */
public final class FakeAgents {
    private FakeAgents() {}

    public static Paths paths(FakeMachine machine, Path dir) {
        return new Paths(machine.etc(), dir.resolve("config"), dir.resolve("state"), dir.resolve("run"), dir.resolve("mountinfo"));
    }

    /** @param unlockKeys what the boot unlock fetches keys from (null when a test never unlocks) */
    public static AgentService over(FakeMachine machine, Path dir, KeyProtector unlockKeys) {
        return new AgentService(paths(machine, dir), machine::inventory, machine.ports(),
                new UnlockService(machine::inventory, machine, unlockKeys, Clock.systemUTC(), Duration.ZERO), (name, mounts) -> { },
                Clock.systemUTC());
    }

    /** EnableEncryption of every data volume, keys in https://v.vault.azure.net/. */
    public static Map<String, Object> encryptDataRequest() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("EncryptionOperation", "EnableEncryption");
        request.put("VolumeType", "Data");
        request.put("KeyVaultURL", "https://v.vault.azure.net/");
        return request;
    }
}
