package io.tunelab.server;

import io.tunelab.server.experiment.CoordinatorConfig;
import io.tunelab.server.storage.Database;
import io.tunelab.server.storage.Durability;

import java.nio.file.Path;

/**
 * How a server runs: the address it binds (127.0.0.1 unless told otherwise), its port (0 picks
 * a free one), the database it keeps its data in (the embedded H2 database in a data directory,
 * or PostgreSQL), what an acknowledged write survives, and the coordinator's settings. Built once
 * in {@link Main} from flags and passed down.
 */
public record ServerConfig(String host, int port, Database database, Durability durability, CoordinatorConfig coordinator) {
    public ServerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be from 0 to 65535, got " + port);
        }
        if (host == null || host.isBlank()) {
            host = "127.0.0.1";
        }
        if (database == null) {
            throw new IllegalArgumentException("the database is missing; give a data directory or a PostgreSQL database");
        }
        durability = durability == null ? Durability.PROCESS : durability;
        coordinator = coordinator == null ? CoordinatorConfig.defaults() : coordinator;
    }

    /** A server on the embedded H2 database in {@code dataDir}. */
    public ServerConfig(String host, int port, Path dataDir, Durability durability, CoordinatorConfig coordinator) {
        this(host, port, Database.embedded(dataDir), durability, coordinator);
    }

    public static ServerConfig of(Path dataDir, int port) {
        return new ServerConfig("127.0.0.1", port, dataDir, Durability.PROCESS, CoordinatorConfig.defaults());
    }
}
