package dev.guestcrypt.agent.service;

import dev.guestcrypt.agent.execute.FakeMachine;
import dev.guestcrypt.agent.journal.Journal;
import dev.guestcrypt.agent.journal.JournalRecord;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.os.OperationLock;
import dev.guestcrypt.agent.os.StatusFile;
import dev.guestcrypt.agent.status.ProgressSnapshot;
import dev.guestcrypt.agent.status.Status;
import dev.guestcrypt.agent.status.VolumeState;
import dev.guestcrypt.agent.status.VolumeStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code guestcrypt encrypt --wait} while the daemon runs: the CLI records the request and follows
 * the daemon's journal and status file. Another process holds the operation lock, as the daemon does.
 */
class EncryptHandOffTest {
    @TempDir
    Path dir;

    /** Holds the operation lock until its stdin closes (run as a child JVM: the lock is per process). */
    public static final class HoldLock {
        public static void main(String[] args) throws IOException {
            try (OperationLock lock = OperationLock.acquire(Path.of(args[0]))) {
                System.out.println("held");
                System.out.flush();
                System.in.read();
            }
        }
    }

    @Test
    void theCliShowsTheDaemonsProgressWithItsEtaAndEachVolumeEndsOnce() throws Exception {
        FakeMachine machine = new FakeMachine(dir.resolve("m"));
        Paths paths = FakeAgents.paths(machine, dir);
        AgentService agent = FakeAgents.over(machine, dir, null);
        Map<String, Object> request = FakeAgents.encryptDataRequest();
        String volumeKey = agent.plan(request).work().get(0).volumeKey();

        Process daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HoldLock.class.getName(), paths.lock().toString()).start();
        try {
            assertThat(new String(daemon.getInputStream().readNBytes(4))).isEqualTo("held");
            Thread fakeDaemon = new Thread(() -> actAsDaemon(paths, volumeKey));
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            fakeDaemon.start();
            AgentService.EncryptResult result = agent.encrypt(request, true, new Listener() {
                @Override
                public void say(String line) {
                    events.add("say " + line);
                }

                @Override
                public void progress(ProgressSnapshot s) {
                    events.add("progress " + s.mountPoint() + " " + Math.round(s.percent()) + "% eta " + s.etaSeconds());
                }
            }, () -> false);
            fakeDaemon.join();

            assertThat(result.handedToDaemon()).isTrue();
            assertThat(result.outcomes()).singleElement().satisfies(o -> assertThat(o.result().name()).isEqualTo("DONE"));
            assertThat(events).contains("progress /data 50% eta 96");
            assertThat(events.stream().filter(e -> e.equals("say /data: encrypted"))).hasSize(1);
            // The status file still says 50 % after the end: nothing of it is shown once the volume is done.
            assertThat(events.subList(events.indexOf("say /data: encrypted"), events.size())).noneMatch(e -> e.startsWith("progress"));
        } finally {
            daemon.getOutputStream().close();
            daemon.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** What the daemon leaves behind: a progress line in the status file, then the journal's end of the operation. */
    private static void actAsDaemon(Paths paths, String volumeKey) {
        try {
            Thread.sleep(1500);
            new StatusFile(paths.status()).write(new Status(Instant.now(), List.of(new VolumeStatus("/data", "/dev/vdb", "gc-data",
                    VolumeState.ENCRYPTION_IN_PROGRESS, 50, 4.0, 96, "", "")), "NotEncrypted", "EncryptionInProgress"));
            Thread.sleep(6500); // longer than the CLI's look interval, so it sees the running state once
            Journal journal = new Journal(paths.journal());
            journal.append(new JournalRecord(Instant.now(), "op-1", volumeKey, JournalSteps.STARTED, Map.of()));
            journal.append(new JournalRecord(Instant.now(), "op-1", volumeKey, JournalSteps.DONE, Map.of()));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
