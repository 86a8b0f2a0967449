package dev.guestcrypt.agent.settings;

import dev.guestcrypt.agent.error.AgentException;

import java.util.List;
import java.util.stream.Collectors;

/** Either valid settings or every problem found (all of them, so the user fixes them in one go). */
public record SettingsResult(EncryptionSettings settings, List<SettingsProblem> problems) {
    public SettingsResult {
        problems = List.copyOf(problems);
        if ((settings == null) == problems.isEmpty()) {
            throw new IllegalArgumentException("exactly one of settings or problems");
        }
    }

    public boolean isValid() {
        return settings != null;
    }

    /** The settings, or an exception with the first problem's code and every problem in its message. */
    public EncryptionSettings orThrow() {
        if (settings != null) {
            return settings;
        }
        SettingsProblem first = problems.get(0);
        if (problems.size() == 1) {
            throw first.toException();
        }
        String all = problems.stream().map(p -> p.code().id() + " " + p.problem()).collect(Collectors.joining("; "));
        String fixes = problems.stream().map(SettingsProblem::fix).distinct().collect(Collectors.joining("; "));
        throw new AgentException(first.code(), problems.size() + " problems in the settings: " + all, fixes);
    }
}
