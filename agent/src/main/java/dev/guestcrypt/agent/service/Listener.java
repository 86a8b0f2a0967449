package dev.guestcrypt.agent.service;

import dev.guestcrypt.agent.status.ProgressSnapshot;

/** What a command tells its user while it works. */
public interface Listener {
    void say(String line);

    void progress(ProgressSnapshot snapshot);

    Listener SILENT = new Listener() {
        @Override
        public void say(String line) { }

        @Override
        public void progress(ProgressSnapshot snapshot) { }
    };
}
