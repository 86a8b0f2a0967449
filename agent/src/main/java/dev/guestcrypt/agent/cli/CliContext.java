package dev.guestcrypt.agent.cli;

import dev.guestcrypt.agent.daemon.Daemon;
import dev.guestcrypt.agent.service.AgentService;
import dev.guestcrypt.agent.service.UnlockService;

/** What the commands need, built lazily by the composition root (a command pays only for what it uses). */
public interface CliContext {
    AgentService agent();

    UnlockService unlock();

    Daemon daemon();
}
