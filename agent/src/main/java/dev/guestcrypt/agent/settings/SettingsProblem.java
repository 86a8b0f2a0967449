package dev.guestcrypt.agent.settings;

import dev.guestcrypt.agent.error.AgentException;

import java.util.Objects;

/** One thing wrong with the settings: the code, what is wrong (naming the key and value) and the fix. */
public record SettingsProblem(SettingsError code, String problem, String fix) {
    public SettingsProblem {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(fix, "fix");
    }

    public AgentException toException() {
        return new AgentException(code, problem, fix);
    }
}
