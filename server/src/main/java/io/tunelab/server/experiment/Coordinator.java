package io.tunelab.server.experiment;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.TrialState;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.strategy.SearchStrategy;
import io.tunelab.server.strategy.Strategies;

import java.time.InstantSource;
import java.util.function.BiFunction;

/**
 * The coordinator's services over one storage, wired together: {@link #experiments()} changes
 * experiments and trials, {@link #leases()} hands trials to workers, {@link #queries()} reads,
 * {@link #finalizations()} refits winners and records their test scores, {@link #artifacts()} keeps
 * trials' files, {@link #catalog()} renames, labels, deletes and copies experiments,
 * {@link #queue()} enqueues configurations and {@link #imports()} imports trials evaluated elsewhere.
 * {@link #open} loads the stored experiments that workers or the reaper need, the others when used (without a meter registry, metrics go nowhere); scheduling the lease reaper
 * ({@link LeaseService#reapQuietly()} every {@link CoordinatorConfig#reaperInterval()}) is the
 * caller's, as is closing the storage.
 */
public record Coordinator(ExperimentService experiments, LeaseService leases, ExperimentQueries queries,
                          Finalizations finalizations, TrialArtifacts artifacts, ExperimentCatalog catalog, TrialQueue queue,
                          TrialImports imports) {

    /** Loads the experiments of {@code storage}, with the strategies their specs name. */
    public static Coordinator open(Storage storage, InstantSource clock, Events events, CoordinatorConfig config,
                                   MeterRegistry meters) {
        return open(storage, clock, events, config, meters,
                (spec, seed) -> Strategies.create(spec.strategy(), spec.space(), spec.objectives(), seed));
    }

    /** Loads the experiments of {@code storage}, with the strategies {@code strategies} builds from a spec and seed. */
    static Coordinator open(Storage storage, InstantSource clock, Events events, CoordinatorConfig config, MeterRegistry meters,
                            BiFunction<ExperimentSpec, Long, SearchStrategy> strategies) {
        MeterRegistry metrics = meters == null ? new SimpleMeterRegistry() : meters;
        var registry = new ExperimentRegistry(storage, strategies, config, System::nanoTime);
        var peers = new Peers(storage.shared().orElse(null), registry);
        registry.sharing(peers);
        registry.listenedBy(events::listened);
        registry.load();
        var storageClock = new StorageClock(clock);
        // On each change of an experiment, the catalog's summary of it, should it be evicted, is read again.
        var journal = new Journal(storage, events, registry::changed, peers);
        var work = new WorkSignal();
        peers.listen(journal, work);
        var proposals = new Proposals(registry, journal, storageClock, config.leaseDuration(), metrics);
        var rankings = new Rankings();
        registry.onEviction(rankings::forget);
        var finalizations = new Finalizations(registry, journal, rankings, work, storageClock, config);
        proposals.whenCompleted(finalizations::afterCompletion);
        metrics.gauge("tunelab.experiments", registry, ExperimentRegistry::size);
        metrics.gauge("tunelab.experiments.loaded", registry, ExperimentRegistry::loadedCount);
        metrics.gauge("tunelab.trials.running", registry, ExperimentRegistry::activeTrials);
        for (TrialState state : TrialState.values()) {
            Gauge.builder("tunelab.trials", registry, r -> r.trialsIn(state)).tag("state", state.name())
                    .description("trials in each state, over every experiment").register(metrics);
        }
        if (storage.groupCommits().isPresent()) {
            FunctionCounter.builder("tunelab.storage.commits", storage, s -> s.groupCommits().orElseThrow().commits())
                    .description("group commits of the embedded database's writer").register(metrics);
            FunctionCounter.builder("tunelab.storage.commit.writes", storage, s -> s.groupCommits().orElseThrow().writes())
                    .description("writes those commits carried: over the commits, how many writes shared each").register(metrics);
            FunctionCounter.builder("tunelab.storage.syncs", storage, s -> s.groupCommits().orElseThrow().syncs())
                    .description("fsyncs of the embedded database's file (--durability fsync): the commits over them, how many shared each")
                    .register(metrics);
        }
        Counter expirations = Counter.builder("tunelab.leases.expired")
                .description("leases that expired because their worker stopped heartbeating").register(metrics);
        var imports = new TrialImports(registry, journal, rankings, storageClock);
        var requests = new Requests(storage);
        var experiments = new ExperimentService(registry, journal, proposals, finalizations, work, storageClock, config,
                requests, imports);
        return new Coordinator(experiments,
                new LeaseService(registry, journal, proposals, finalizations, work, storageClock, config, expirations, peers, requests),
                new ExperimentQueries(registry, storage, rankings), finalizations,
                new TrialArtifacts(registry, journal, storage, storageClock),
                new ExperimentCatalog(registry, journal, experiments, imports, storageClock),
                new TrialQueue(registry, journal, storageClock, work, requests), imports);
    }
}
