package dev.guestcrypt.agent.daemon;

import dev.guestcrypt.agent.execute.Command;
import dev.guestcrypt.agent.execute.CommandResult;
import dev.guestcrypt.agent.execute.CommandRunner;
import dev.guestcrypt.agent.execute.FakeMachine;
import dev.guestcrypt.agent.os.DesiredStateFile;
import dev.guestcrypt.agent.os.SdNotify;
import dev.guestcrypt.agent.service.AgentService;
import dev.guestcrypt.agent.service.FakeAgents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The daemon's life around an operation: under systemd it ends with {@link Daemon#EXIT_RESTART} once
 * an operation has ended well (systemd starts it again at its idle size); by hand, or after a failure
 * it must retry, it keeps running.
 */
class DaemonTest {
    @TempDir
    Path dir;

    private final List<String> notifications = Collections.synchronizedList(new ArrayList<>());

    @Test
    void underSystemdTheDaemonExitsForARestartOnceTheOperationIsDone() throws Exception {
        FakeMachine machine = new FakeMachine(dir.resolve("m"));
        Daemon daemon = daemonFor(machine, Map.of("NOTIFY_SOCKET", "/run/systemd/notify"));

        int code = CompletableFuture.supplyAsync(daemon::run).get(60, TimeUnit.SECONDS);

        assertThat(code).isEqualTo(Daemon.EXIT_RESTART);
        assertThat(machine.fullyEncrypted()).isTrue();
        assertThat(machine.mountedFrom("/data")).hasValueSatisfying(src -> assertThat(src).startsWith("/dev/mapper/gc-"));
        assertThat(notifications).contains("READY=1");
    }

    @Test
    void runByHandTheDaemonKeepsRunningAfterTheOperation() throws Exception {
        FakeMachine machine = new FakeMachine(dir.resolve("m"));
        Daemon daemon = daemonFor(machine, Map.of());

        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(daemon::run);
        awaitEncrypted(machine);
        assertThatThrownBy(() -> running.get(5, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        daemon.requestStop();
        assertThat(running.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void afterAFailedOperationTheDaemonStaysUpToRetryInsteadOfRestarting() throws Exception {
        FakeMachine machine = new FakeMachine(dir.resolve("m"));
        machine.setFsckFails(true);
        Daemon daemon = daemonFor(machine, Map.of("NOTIFY_SOCKET", "/run/systemd/notify"));

        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(daemon::run);
        assertThatThrownBy(() -> running.get(8, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(machine.fullyEncrypted()).isFalse();
        assertThat(machine.mountedFrom("/data")).hasValue(FakeMachine.DEVICE);
        daemon.requestStop();
        assertThat(running.get(30, TimeUnit.SECONDS)).isZero();
    }

    private Daemon daemonFor(FakeMachine machine, Map<String, String> environment) {
        AgentService agent = FakeAgents.over(machine, dir, null);
        new DesiredStateFile(FakeAgents.paths(machine, dir).desired()).write(FakeAgents.encryptDataRequest());
        return new Daemon(agent, new SdNotify(recordingRunner(), environment), Duration.ZERO);
    }

    /** Stands in for systemd-notify: keeps the message it was given. */
    private CommandRunner recordingRunner() {
        return new CommandRunner() {
            @Override
            public CommandResult run(Command command) {
                notifications.add(command.argv().get(command.argv().size() - 1));
                return new CommandResult(0, "", "", false);
            }

            @Override
            public CommandResult stream(Command command, LineListener lines) {
                return run(command);
            }
        };
    }

    private static void awaitEncrypted(FakeMachine machine) throws InterruptedException {
        for (int i = 0; i < 300 && !machine.fullyEncrypted(); i++) {
            Thread.sleep(100);
        }
        assertThat(machine.fullyEncrypted()).as("encrypted by the daemon").isTrue();
    }
}
