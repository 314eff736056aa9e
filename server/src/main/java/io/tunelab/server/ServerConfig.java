package io.tunelab.server;

import io.tunelab.server.experiment.CoordinatorConfig;
import io.tunelab.server.http.HttpLimits;
import io.tunelab.server.http.auth.AccessConfig;
import io.tunelab.server.storage.Database;
import io.tunelab.server.storage.Durability;

import java.nio.file.Path;

/**
 * How a server runs: the address it binds (127.0.0.1 unless told otherwise), its port (0 picks
 * a free one), its data directory (the admin token file, and the embedded H2 database unless
 * {@code database} names PostgreSQL), the database it keeps its data in, what an acknowledged
 * write survives, the coordinator's settings, who may reach it ({@link AccessConfig}: allowed
 * hosts and origins, TLS) and what HTTP callers may hold ({@link HttpLimits}: event streams,
 * model size). Built once in {@link Main} from flags and passed down. A host beyond loopback
 * without TLS or {@code --behind-proxy} is refused.
 */
public record ServerConfig(String host, int port, Path dataDir, Database database, Durability durability,
                           CoordinatorConfig coordinator, AccessConfig access, HttpLimits limits) {
    public ServerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be from 0 to 65535, got " + port);
        }
        if (host == null || host.isBlank()) {
            host = "127.0.0.1";
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("the data directory is missing; give a directory such as ./tunelab-data");
        }
        database = database == null ? Database.embedded(dataDir) : database;
        durability = durability == null ? Durability.PROCESS : durability;
        coordinator = coordinator == null ? CoordinatorConfig.defaults() : coordinator;
        access = access == null ? AccessConfig.defaults() : access;
        limits = limits == null ? HttpLimits.defaults() : limits;
        access.checkBinding(host);
    }

    /** A server on the embedded H2 database in {@code dataDir}, with the default HTTP limits. */
    public ServerConfig(String host, int port, Path dataDir, Durability durability, CoordinatorConfig coordinator,
                        AccessConfig access) {
        this(host, port, dataDir, null, durability, coordinator, access, null);
    }

    /** A server on the embedded H2 database in {@code dataDir}, with the default access: loopback names only, plain HTTP. */
    public ServerConfig(String host, int port, Path dataDir, Durability durability, CoordinatorConfig coordinator) {
        this(host, port, dataDir, null, durability, coordinator, AccessConfig.defaults(), null);
    }

    public static ServerConfig of(Path dataDir, int port) {
        return new ServerConfig("127.0.0.1", port, dataDir, Durability.PROCESS, CoordinatorConfig.defaults());
    }
}
