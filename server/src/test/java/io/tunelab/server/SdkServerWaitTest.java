package io.tunelab.server;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.http.ApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An experiment handle's own asks and tells against a server that goes away and comes back on
 * the same port: they are sent again under their request ids until it answers, each applied once;
 * a handle told to wait for nothing gives up at the first failure and changes nothing.
 */
class SdkServerWaitTest {
    @TempDir
    Path dir;
    int port;
    volatile ApiServer server;
    TunelabClient client;

    @BeforeEach
    void start() throws IOException {
        try (var free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = ApiServer.start(ServerConfig.of(dir, port));
        client = TunelabClient.connect(server.origin(), server.newAdminToken().orElseThrow());
    }

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    private ExperimentHandle launch() {
        return launch("away");
    }

    private ExperimentHandle launch(String name) {
        return client.launch(ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1)).trials(10).build());
    }

    /** Stops the server; {@code gone} then stands on its port. */
    private void down() {
        server.close();
        server = null;
    }

    /** Starts the server again on the same port and files. */
    private void up() {
        server = ApiServer.start(ServerConfig.of(dir, port));
    }

    /**
     * What stands on the port of a server that is down, for as many connections as {@code taken}:
     * it takes each and closes it unanswered, counting them, then frees the port and starts the
     * server again there (when {@code restart}).
     */
    private final class Gone implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket();
        private final AtomicInteger taken = new AtomicInteger();
        private final Thread door;

        Gone(int connections, boolean restart) throws IOException {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            door = Thread.ofPlatform().daemon(true).start(() -> {
                try {
                    while (taken.get() < connections) {
                        try (Socket connection = socket.accept()) {
                            taken.incrementAndGet();
                        }
                    }
                    socket.close();
                    if (restart) {
                        up();
                    }
                } catch (IOException e) {
                    if (!socket.isClosed()) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        }

        int taken() {
            return taken.get();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            door.join();
        }
    }

    @Test
    void aTellAndAnAskWaitForTheServerToComeBackAndAreAppliedOnce() throws Exception {
        ExperimentHandle exp = launch();
        assertThat(exp.serverWait()).isEqualTo(Duration.ofMinutes(5));
        TrialProposal first = exp.ask();
        down();
        try (var gone = new Gone(2, true)) {
            exp.tell(first.id(), 0.25);
            assertThat(gone.taken()).as("connections the tell made while the server was down").isEqualTo(2);
        }
        down();
        TrialProposal second;
        try (var gone = new Gone(2, true)) {
            second = exp.ask();
            assertThat(gone.taken()).as("connections the ask made while the server was down").isEqualTo(2);
        }
        List<Trial> trials = exp.trials();
        assertThat(trials).extracting(Trial::id).containsExactly(first.id(), second.id());
        assertThat(trials.getFirst().state()).isEqualTo(TrialState.COMPLETE);
        assertThat(trials.getFirst().value("loss")).isEqualTo(0.25);
        assertThat(trials.get(1).state()).isEqualTo(TrialState.RUNNING);
    }

    @Test
    void aHandleThatWaitsForNothingGivesUpAtOnceAndChangesNothing() throws Exception {
        ExperimentHandle exp = launch();
        TrialProposal first = exp.ask();
        ExperimentHandle once = exp.withServerWait(Duration.ZERO);
        assertThat(once.serverWait()).isZero();
        assertThat(exp.serverWait()).as("the handle it came from keeps its wait").isEqualTo(Duration.ofMinutes(5));
        down();
        // Had they waited, the server would have come back at their second connection: each gives up at its first.
        try (var gone = new Gone(2, true)) {
            assertThatThrownBy(once::ask).isInstanceOf(TunelabException.Unavailable.class);
            assertThat(gone.taken()).isLessThanOrEqualTo(1);
        }
        try (var gone = new Gone(2, true)) {
            assertThatThrownBy(() -> once.tell(first.id(), 0.5)).isInstanceOf(TunelabException.Unavailable.class)
                    .hasMessageContaining("127.0.0.1:" + port);
            assertThat(gone.taken()).isLessThanOrEqualTo(1);
        }
        up();
        List<Trial> trials = exp.trials();
        assertThat(trials).singleElement().satisfies(t -> {
            assertThat(t.id()).isEqualTo(first.id());
            assertThat(t.state()).isEqualTo(TrialState.RUNNING);
        });
    }

    @Test
    void aCloneWaitsAsTheHandleItWasClonedFrom() throws Exception {
        ExperimentHandle once = launch().withServerWait(Duration.ZERO);
        ExperimentHandle copy = once.cloneAs("away-again");
        assertThat(copy.serverWait()).isZero();
        assertThat(launch("away-3").withServerWait(Duration.ofSeconds(30)).cloneAs("away-4").serverWait())
                .isEqualTo(Duration.ofSeconds(30));
        down();
        // Had it waited, the server would have come back at its second connection: the clone gives up at its first.
        try (var gone = new Gone(2, true)) {
            assertThatThrownBy(copy::ask).isInstanceOf(TunelabException.Unavailable.class);
            assertThat(gone.taken()).isLessThanOrEqualTo(1);
        }
        up();
        assertThat(copy.trials()).as("the ask that gave up changed nothing").isEmpty();
    }

    @Test
    void aNegativeOrMissingWaitIsRefused() {
        ExperimentHandle exp = launch();
        for (Duration wait : new Duration[] {Duration.ofSeconds(-1), null}) {
            assertThatThrownBy(() -> exp.withServerWait(wait)).isInstanceOfSatisfying(TunelabException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                    .hasMessage("the server wait must be zero (give up at once) or more, as Duration.ofMinutes(1); got " + wait);
        }
        assertThat(exp.serverWait()).isEqualTo(Duration.ofMinutes(5));
    }
}
