package io.tunelab.server.http;

import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.http.auth.Tokens;
import io.tunelab.server.storage.Database;
import io.tunelab.server.storage.Durability;
import io.tunelab.server.storage.JdbcStorage;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.testing.Storages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coordinators started at the same time on an empty PostgreSQL database: they all start, and
 * exactly one of them creates the admin token, which every one of them then accepts.
 */
class FirstStartOnSharedDatabaseTest {
    private static final int ROUNDS = 4;

    @TempDir
    Path dir;

    private static Database freshDatabase() {
        return Storages.newPostgresDatabase("first_start");
    }

    @Test
    void twoCoordinatorsThatBothSawNoTokenCreateOneAdminTokenBetweenThem() throws Exception {
        Database db = freshDatabase();
        try (Storage first = JdbcStorage.open(db, Durability.PROCESS); Storage second = JdbcStorage.open(db, Durability.PROCESS);
             ExecutorService pool = Executors.newFixedThreadPool(2)) {
            // Both read the tokens (none) before either creates one: the race, every time.
            var tokens = List.of(new Tokens(first, InstantSource.system()), new Tokens(second, InstantSource.system()));
            var together = new CyclicBarrier(2);
            var created = new ArrayList<Future<Optional<String>>>();
            for (Tokens t : tokens) {
                created.add(pool.submit(() -> {
                    together.await();
                    return t.createAdminOnFirstStart();
                }));
            }
            List<String> secrets = new ArrayList<>();
            for (Future<Optional<String>> f : created) {
                f.get().ifPresent(secrets::add);
            }

            assertThat(secrets).hasSize(1);
            assertThat(first.tokens()).singleElement().satisfies(t -> assertThat(t.name()).isEqualTo(Tokens.ADMIN));
            for (Tokens t : tokens) {
                assertThat(t.authenticate(secrets.getFirst())).as("the admin token counts on both").isPresent();
            }
        }
    }

    @Test
    void twoServersStartedAtOnceOnAnEmptyDatabaseBothServeAndOneAdminTokenWorksOnBoth() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            Database db = freshDatabase();
            Path dirA = dir.resolve(round + "-a");
            Path dirB = dir.resolve(round + "-b");
            var together = new CyclicBarrier(2);
            List<ApiServer> servers = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                var starting = new ArrayList<Future<ApiServer>>();
                for (Path d : List.of(dirA, dirB)) {
                    starting.add(pool.submit(() -> {
                        together.await();
                        return ApiServer.start(new ServerConfig("127.0.0.1", 0, d, db, Durability.PROCESS, null, null, null));
                    }));
                }
                try {
                    for (Future<ApiServer> f : starting) {
                        servers.add(f.get());
                    }
                    List<String> secrets = servers.stream().flatMap(s -> s.newAdminToken().stream()).toList();
                    assertThat(secrets).as("round %d: one admin token", round).hasSize(1);
                    assertThat(Files.exists(dirA.resolve(ApiServer.ADMIN_TOKEN_FILE)) ^ Files.exists(dirB.resolve(ApiServer.ADMIN_TOKEN_FILE)))
                            .as("written by the coordinator that created it").isTrue();
                    for (ApiServer s : servers) {
                        try (var client = TunelabClient.connect(s.origin(), secrets.getFirst())) {
                            assertThat(client.tokens()).as("round %d", round).hasSize(1);
                        }
                    }
                } finally {
                    for (Future<ApiServer> f : starting) {
                        try {
                            ApiServer s = f.get();
                            if (!servers.contains(s)) {
                                servers.add(s);
                            }
                        } catch (java.util.concurrent.ExecutionException notStarted) {
                            // its failure is the test's
                        }
                    }
                    servers.forEach(ApiServer::close);
                }
            }
        }
    }
}
