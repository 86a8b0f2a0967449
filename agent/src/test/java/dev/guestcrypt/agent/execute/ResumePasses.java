package dev.guestcrypt.agent.execute;

import dev.guestcrypt.agent.journal.Journal;
import dev.guestcrypt.agent.journal.JournalSteps;

/** What the daemon does after a reboot in the crash tests: a few passes, until an operation is done. */
final class ResumePasses {
    private static final int MAX_PASSES = 4;

    private ResumePasses() {}

    static void untilDone(Journal journal, Runnable pass) {
        for (int i = 0; i < MAX_PASSES && journal.read().operations().stream()
                .noneMatch(o -> o.lastStep().equals(JournalSteps.DONE)); i++) {
            pass.run();
        }
    }
}
