package dev.guestcrypt.agent.plan;

import java.util.Objects;

/** A refusal: its code, what is wrong (naming the value) and what to do. */
public record Refusal(PlanRefusal code, String problem, String fix) {
    public Refusal {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(fix, "fix");
    }

    public String describe() {
        return code.id() + " " + code.name() + ": " + problem + " Fix: " + fix;
    }
}
