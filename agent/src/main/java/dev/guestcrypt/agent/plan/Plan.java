package dev.guestcrypt.agent.plan;

import java.util.List;

/** The planner's answer: one entry per volume considered, in device order. */
public record Plan(List<VolumePlan> volumes) {
    public Plan {
        volumes = List.copyOf(volumes);
    }

    public List<VolumePlan> work() {
        return volumes.stream().filter(v -> v.action().changesSomething()).toList();
    }

    public List<VolumePlan> refusals() {
        return volumes.stream().filter(v -> v.action() == VolumeAction.REFUSED).toList();
    }
}
