package io.tunelab.server.experiment;

import io.tunelab.api.Budget;
import io.tunelab.api.Decision;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.Heartbeat;
import io.tunelab.api.Json;
import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.Objective;
import io.tunelab.api.Param;
import io.tunelab.api.Report;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Statistics;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.analysis.RepetitionStatistics;
import io.tunelab.server.pruner.PruneContext;
import io.tunelab.server.pruner.Pruner;
import io.tunelab.server.pruner.Pruners;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.storage.StoredExperiment;
import io.tunelab.server.storage.StoredTrial;
import io.tunelab.server.strategy.Configurations;
import io.tunelab.server.analysis.Pareto;
import io.tunelab.server.strategy.ProposalContext;
import io.tunelab.server.strategy.SearchStrategy;
import io.tunelab.server.strategy.Strategies;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The coordinator's domain: every experiment and trial operation the API offers.
 *
 * <p>State lives in memory ({@link LiveExperiment}, rebuilt from storage at start) and every
 * change is written to storage before the call returns, so what a caller was told survives a
 * crash. Decisions are taken under the experiment's monitor; strategy proposals, pruning
 * decisions and storage writes run outside it, so one slow model fit or disk write does not
 * hold up other callers. Thread-safe; every method may block (call it off the event loop).
 */
public final class ExperimentService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentService.class);

    private final Storage storage;
    private final InstantSource clock;
    private final Events events;
    private final CoordinatorConfig config;
    private final Map<Long, LiveExperiment> byId = new ConcurrentHashMap<>();
    private final Map<String, LiveExperiment> byName = new ConcurrentHashMap<>();
    private final Map<Long, LiveExperiment> byTrial = new ConcurrentHashMap<>();
    private final AtomicLong nextExperimentId = new AtomicLong();
    private final AtomicLong nextTrialId = new AtomicLong();
    private final Object workSignal = new Object();
    private final ScheduledExecutorService reaper;
    private final Timer proposeTimer;

    public ExperimentService(Storage storage, InstantSource clock, Events events, CoordinatorConfig config, MeterRegistry meters) {
        this.storage = storage;
        this.clock = clock;
        this.events = events;
        this.config = config;
        MeterRegistry registry = meters == null ? new SimpleMeterRegistry() : meters;
        this.proposeTimer = Timer.builder("tunelab.strategy.propose").description("time a strategy takes to propose a trial")
                .publishPercentiles(0.5, 0.99).register(registry);
        load();
        registry.gauge("tunelab.experiments", byId, Map::size);
        registry.gauge("tunelab.trials.running", this, s -> s.byId.values().stream().mapToInt(e -> {
            synchronized (e) {
                return e.active();
            }
        }).sum());
        this.reaper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tunelab-lease-reaper").daemon(true).factory());
        long every = config.reaperInterval().toMillis();
        reaper.scheduleWithFixedDelay(this::reapSafely, every, every, TimeUnit.MILLISECONDS);
    }

    private void load() {
        long maxExperiment = 0;
        for (StoredExperiment row : storage.experiments()) {
            var spec = row.spec();
            var live = new LiveExperiment(row, strategyOf(spec, row.seed()), Pruners.create(spec.pruner()));
            for (StoredTrial t : storage.trials(row.id())) {
                live.add(t);
                byTrial.put(t.id(), live);
            }
            byId.put(row.id(), live);
            byName.put(row.name(), live);
            maxExperiment = Math.max(maxExperiment, row.id());
        }
        nextExperimentId.set(maxExperiment);
        nextTrialId.set(storage.maxTrialId());
        LOG.info("loaded {} experiments, {} trials", byId.size(), byTrial.size());
    }

    private static SearchStrategy strategyOf(ExperimentSpec spec, long seed) {
        return Strategies.create(spec.strategy(), spec.space(), spec.objectives(), seed);
    }

    // ------------------------------------------------------------------ experiments

    /** Creates an experiment; its name must be new. */
    public Experiment create(ExperimentSpec spec) {
        long seed = spec.effectiveSeed() != null ? spec.effectiveSeed() : new SecureRandom().nextLong() & Long.MAX_VALUE;
        SearchStrategy strategy = strategyOf(spec, seed);
        Pruner pruner = Pruners.create(spec.pruner());
        long capacity = Strategies.capacity(strategy);
        if (capacity >= 0 && spec.budget().trials() == null) {
            spec = spec.withBudget(spec.budget().withTrials((int) Math.min(Integer.MAX_VALUE, capacity)));
        }
        Instant now = now();
        LiveExperiment live;
        synchronized (byName) {
            if (byName.containsKey(spec.name())) {
                throw TunelabException.of(ErrorCode.DUPLICATE_NAME, "an experiment named \"" + spec.name()
                        + "\" exists already; choose another name, or resume it with: tunelab sweep resume " + spec.name(),
                        Map.of("name", spec.name()));
            }
            var row = new StoredExperiment(nextExperimentId.incrementAndGet(), spec.name(), ExperimentState.RUNNING, spec, seed,
                    now, now, null, 0, now);
            storage.write(c -> c.insert(row));
            live = new LiveExperiment(row, strategy, pruner);
            byId.put(row.id(), live);
            byName.put(row.name(), live);
        }
        LOG.info("experiment {} ({}) created with strategy {}", live.row.name(), live.row.id(), spec.strategy().name());
        publish(live);
        signalWork();
        return snapshot(live);
    }

    public List<ExperimentSummary> summaries() {
        var out = new ArrayList<ExperimentSummary>();
        byId.values().stream().sorted(Comparator.comparingLong(e -> e.row.id())).forEach(e -> {
            synchronized (e) {
                out.add(e.summary());
            }
        });
        return out;
    }

    public Experiment experiment(String ref) {
        return snapshot(find(ref));
    }

    public Experiment pause(String ref) {
        LiveExperiment e = find(ref);
        synchronized (e) {
            switch (e.row.state()) {
                case RUNNING -> e.row = e.row.withState(ExperimentState.PAUSED, now(), null);
                case PAUSED -> { }
                default -> throw TunelabException.of(ErrorCode.INVALID_STATE, "experiment \"" + e.row.name() + "\" is "
                        + e.row.state() + "; only a RUNNING experiment can be paused");
            }
        }
        persistExperiment(e);
        return snapshot(e);
    }

    /** Resumes; each field the budget sets replaces the old budget's. */
    public Experiment resume(String ref, Budget budget) {
        LiveExperiment e = find(ref);
        synchronized (e) {
            Instant now = now();
            ExperimentSpec spec = e.row.spec();
            Budget next = spec.budget().overriddenBy(budget);
            if (next.trials() != null && next.trials() < e.nextNumber()) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "budget.trials (" + next.trials()
                        + ") is below the " + e.nextNumber() + " trials the experiment has; give more than " + e.nextNumber());
            }
            StoredExperiment candidate = e.row.withSpec(spec.withBudget(next), now);
            var probe = new LiveExperiment(candidate, e.strategy, e.pruner);
            probe.inFlight = e.nextNumber();
            String spent = probe.budgetSpent(now);
            if (spent != null) {
                String hint = next.trials() != null && e.nextNumber() >= next.trials()
                        ? "; raise it, as --trials N or {\"budget\": {\"trials\": " + (e.nextNumber() + 10) + "}}" : "; raise budget.minutes";
                throw TunelabException.of(ErrorCode.BUDGET_EXHAUSTED, "cannot resume \"" + e.row.name() + "\": " + spent + hint);
            }
            e.row = candidate.withState(ExperimentState.RUNNING, now, null);
        }
        persistExperiment(e);
        signalWork();
        return snapshot(e);
    }

    public Experiment stop(String ref) {
        LiveExperiment e = find(ref);
        synchronized (e) {
            if (e.row.state() != ExperimentState.STOPPED) {
                e.row = e.row.withState(ExperimentState.STOPPED, now(), null);
            }
        }
        persistExperiment(e);
        return snapshot(e);
    }

    /** Stops an experiment because of its data or task; the reason is shown with it. */
    private void stopWithReason(long experimentId, String reason) {
        LiveExperiment e = byId.get(experimentId);
        if (e == null) {
            return;
        }
        synchronized (e) {
            e.row = e.row.withState(ExperimentState.STOPPED, now(), reason);
        }
        LOG.warn("experiment {} stopped: {}", e.row.name(), reason);
        persistExperiment(e);
    }

    // ------------------------------------------------------------------ ask / tell / report

    /** A new trial from the experiment's strategy (the SDK's ask). */
    public TrialProposal ask(String ref) {
        return ask(ref, false);
    }

    /**
     * A trial for an SDK caller. With a lease, the caller heartbeats it; a trial whose caller's
     * lease expired waits for the next ask, which gets it (same params) before any new one.
     */
    public TrialProposal ask(String ref, boolean leased) {
        LiveExperiment e = find(ref);
        String leaseId = leased ? UUID.randomUUID().toString() : null;
        // Trials of a task wait for workers; the others wait for the next ask.
        StoredTrial waiting = e.row.spec().task() == null ? leaseWaiting(e, null, leaseId) : null;
        StoredTrial t = waiting != null ? waiting : newTrial(e, null, leaseId, true);
        return toProposal(t.trial(), leaseId);
    }

    /**
     * Reserves a number, proposes outside the monitor, then stores the trial. With
     * {@code strict}, a refusal is an exception; otherwise it is null (the lease loop).
     */
    private StoredTrial newTrial(LiveExperiment e, String worker, String leaseId, boolean strict) {
        int number;
        List<Trial> history;
        synchronized (e) {
            String refusal = refusal(e);
            if (refusal != null) {
                if (!strict) {
                    return null;
                }
                throw refusalError(e, refusal);
            }
            number = e.nextNumber();
            e.inFlight++;
            history = e.history();
        }
        StoredTrial stored = null;
        try {
            Map<String, Object> params = propose(e, number, history);
            Instant now = now();
            var trial = new Trial(nextTrialId.incrementAndGet(), e.row.id(), number, params, TrialState.RUNNING, null, null, null,
                    null, now, now, null, worker, null, null);
            stored = leaseId == null ? StoredTrial.of(trial)
                    : new StoredTrial(trial, leaseId, now.plus(config.leaseDuration()), 0);
            StoredTrial row = stored;
            storage.write(c -> c.insert(row));
            return stored;
        } finally {
            synchronized (e) {
                e.inFlight--;
                if (stored != null) {
                    e.add(stored);
                    byTrial.put(stored.id(), e);
                }
            }
            if (stored != null) {
                publish(e, stored.trial());
            }
        }
    }

    private Map<String, Object> propose(LiveExperiment e, int number, List<Trial> history) {
        var spec = e.row.spec();
        boolean discrete = Configurations.isDiscrete(spec.space()) && spec.space().size() > 0;
        for (int attempt = 0; ; attempt++) {
            var context = new ProposalContext(spec.space(), spec.objectives(), e.row.seed(), number, history);
            long start = System.nanoTime();
            Map<String, Object> params = e.strategy.propose(context);
            proposeTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (!discrete || attempt >= 3) {
                return params;
            }
            // Concurrent asks propose from the same history; on a discrete space they could
            // choose the same point. Check against the trials stored meanwhile and retry.
            synchronized (e) {
                String key = Configurations.key(params);
                boolean taken = false;
                for (int i = history.size(); i < e.trials.size() && !taken; i++) {
                    taken = Configurations.key(e.trials.get(i).trial().params()).equals(key);
                }
                if (!taken) {
                    return params;
                }
                history = e.history();
            }
        }
    }

    /** Why the experiment hands out no trial now, or null. Completes it when its budget is spent. */
    private String refusal(LiveExperiment e) {
        if (!e.isRunning()) {
            return "experiment \"" + e.row.name() + "\" is " + e.row.state();
        }
        Instant now = now();
        String spent = e.budgetSpent(now);
        if (spent != null) {
            completeIfDone(e);
            return spent;
        }
        Integer parallel = e.row.spec().budget().parallel();
        if (parallel != null && e.count(TrialState.RUNNING) + e.inFlight >= parallel) {
            return "the experiment already runs " + parallel + " trials at once (budget.parallel)";
        }
        return null;
    }

    private TunelabException refusalError(LiveExperiment e, String refusal) {
        if (!e.isRunning()) {
            String hint = switch (e.row.state()) {
                case PAUSED, STOPPED -> "; resume it first (tunelab sweep resume " + e.row.name() + ")";
                case COMPLETED -> "; its budget is spent: resume it with more trials (tunelab sweep resume " + e.row.name() + " --trials N)";
                default -> "";
            };
            return TunelabException.of(ErrorCode.EXPERIMENT_NOT_RUNNING, refusal + hint, Map.of("state", e.row.state().name()));
        }
        if (refusal.contains("budget.parallel")) {
            return TunelabException.of(ErrorCode.PARALLEL_LIMIT, refusal + "; tell a result first");
        }
        return TunelabException.of(ErrorCode.BUDGET_EXHAUSTED, refusal + "; resume with a larger budget to go on");
    }

    /** Marks a RUNNING experiment COMPLETED once its budget is spent and no trial is active. Caller holds the monitor. */
    private boolean completeIfDone(LiveExperiment e) {
        if (e.isRunning() && e.inFlight == 0 && e.active() == 0 && e.budgetSpent(now()) != null) {
            e.row = e.row.withState(ExperimentState.COMPLETED, now(), null);
            return true;
        }
        return false;
    }

    /** Records a trial's result durably (the tell). */
    public Trial tell(long trialId, TrialResult result) {
        LiveExperiment e = owner(trialId);
        Trial told;
        boolean completed;
        synchronized (e) {
            StoredTrial current = e.get(trialId);
            checkOpen(current, result.leaseId());
            Trial t = current.trial();
            ExperimentSpec spec = e.row.spec();
            if (result.state() == null || !result.state().isFinished()) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, "state must be COMPLETE, PRUNED or FAILED, got " + result.state());
            }
            Map<String, Double> values = checkValues(result.values(), spec, "values");
            for (int i = 0; i < result.repetitions().size(); i++) {
                checkFinite(result.repetitions().get(i).values(), "repetitions[" + i + "].values");
            }
            Map<String, Statistics> statistics = RepetitionStatistics.of(result.repetitions());
            if (values.isEmpty() && !statistics.isEmpty()) {
                var means = new LinkedHashMap<String, Double>();
                for (Objective o : spec.objectives()) {
                    Statistics s = statistics.get(o.metric());
                    if (s != null) {
                        means.put(o.metric(), s.mean());
                    }
                }
                values = means;
            }
            if (result.state() == TrialState.COMPLETE) {
                for (Objective o : spec.objectives()) {
                    if (!values.containsKey(o.metric())) {
                        throw TunelabException.of(ErrorCode.INVALID_VALUE, "a COMPLETE result needs a value for objective metric \""
                                + o.metric() + "\"; it has " + values.keySet(), Map.of("metric", o.metric()));
                    }
                }
            }
            if (result.state() == TrialState.FAILED && (result.error() == null || result.error().isBlank())) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, "a FAILED result needs an error that says why");
            }
            var provenance = new LinkedHashMap<String, Object>(t.provenance());
            provenance.putAll(result.provenance());
            told = new Trial(t.id(), t.experimentId(), t.number(), t.params(), result.state(), values, result.repetitions(),
                    statistics, t.reports(), t.created(), t.started() == null ? now() : t.started(), now(),
                    t.worker(), result.error(), provenance);
            e.replace(new StoredTrial(told, null, null, current.attempts()));
            completed = completeIfDone(e);
        }
        persistTrial(e, told, completed);
        signalWork();
        return told;
    }

    /** Records an intermediate report durably and answers with the pruner's decision. */
    public Decision report(long trialId, ReportRequest request) {
        LiveExperiment e = owner(trialId);
        if (request.step() == null || request.step() < 0) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "step must be 0 or more, got " + request.step());
        }
        if (request.values().isEmpty()) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "values must hold at least one metric, as {\"loss\": 0.4}");
        }
        checkFinite(request.values(), "values");
        Trial updated;
        List<Trial> others;
        Objective watched;
        long seed;
        Pruner pruner;
        var report = new Report(request.step(), request.values(), now());
        synchronized (e) {
            StoredTrial current = e.get(trialId);
            checkOpen(current, request.leaseId());
            Trial t = current.trial();
            var reports = new ArrayList<Report>(t.reports());
            reports.removeIf(r -> r.step() == report.step());
            reports.add(report);
            reports.sort(Comparator.comparingInt(Report::step));
            updated = new Trial(t.id(), t.experimentId(), t.number(), t.params(), t.state(), t.values(), t.repetitions(),
                    t.statistics(), reports, t.created(), t.started(), t.finished(), t.worker(), t.error(), t.provenance());
            e.replace(current.with(updated));
            others = e.history();
            watched = watchedObjective(e.row.spec(), request.values());
            seed = e.row.seed();
            pruner = e.pruner;
        }
        storage.write(c -> c.insertReport(trialId, report));
        publish(e, withoutReports(updated));
        if (watched == null) {
            return Decision.CONTINUE;
        }
        return pruner.decide(new PruneContext(watched.metric(), watched.direction(), updated, request.step(), others, seed));
    }

    private static Objective watchedObjective(ExperimentSpec spec, Map<String, Double> values) {
        for (Objective o : spec.objectives()) {
            if (values.containsKey(o.metric())) {
                return o;
            }
        }
        return null;
    }

    /** A value for a param that the trial's code defines while it runs; adds it to the space when new. */
    public Object suggest(long trialId, String name, Param param) {
        if (name == null || name.isBlank() || param == null) {
            throw TunelabException.of(ErrorCode.INVALID_SPEC, "suggest needs a name and a param, as {\"name\": \"lr\", \"param\": {\"type\": \"float\", \"low\": 0.001, \"high\": 0.1}}");
        }
        LiveExperiment e = owner(trialId);
        Object value;
        Trial updated;
        synchronized (e) {
            StoredTrial current = e.get(trialId);
            checkNotFinished(current.trial());
            Trial t = current.trial();
            SearchSpace space = e.row.spec().space();
            Param known = space.get(name);
            if (known != null && !known.equals(param)) {
                throw TunelabException.of(ErrorCode.INVALID_SPEC, "param \"" + name + "\" is defined as " + Json.write(known)
                        + " in this experiment; suggest it with the same definition");
            }
            if (t.params().containsKey(name)) {
                return t.params().get(name);
            }
            if (known == null) {
                space = space.with(name, param);
                e.row = e.row.withSpec(e.row.spec().withSpace(space), now());
            }
            var context = new ProposalContext(space, e.row.spec().objectives(), e.row.seed(), t.number(), e.history());
            value = param.coerce(e.strategy.suggest(context, name, param));
            var params = new LinkedHashMap<>(t.params());
            params.put(name, value);
            updated = new Trial(t.id(), t.experimentId(), t.number(), params, t.state(), t.values(), t.repetitions(), t.statistics(),
                    t.reports(), t.created(), t.started(), t.finished(), t.worker(), t.error(), t.provenance());
            e.replace(current.with(updated));
        }
        persistTrial(e, updated, true);
        return value;
    }

    private static void checkNotFinished(Trial t) {
        if (t.state().isFinished()) {
            throw TunelabException.of(ErrorCode.TRIAL_FINISHED, "trial " + t.id() + " is " + t.state()
                    + " already; finished trials never change", Map.of("trial", t.id(), "state", t.state().name()));
        }
    }

    private void checkOpen(StoredTrial current, String leaseId) {
        Trial t = current.trial();
        checkNotFinished(t);
        if (current.leaseId() != null && !current.leaseId().equals(leaseId)) {
            throw TunelabException.of(ErrorCode.LEASE_LOST, "trial " + t.id() + " is leased to " + t.worker()
                    + (leaseId == null ? "; only the lease holder may report or tell it" : "; your lease " + leaseId + " expired and the trial was handed on"),
                    Map.of("trial", t.id()));
        }
        if (current.leaseId() == null && leaseId != null) {
            throw TunelabException.of(ErrorCode.LEASE_LOST, "trial " + t.id() + " is " + t.state()
                    + " without a lease: lease " + leaseId + " expired and was taken back", Map.of("trial", t.id()));
        }
    }

    private static Map<String, Double> checkValues(Map<String, Double> values, ExperimentSpec spec, String where) {
        checkFinite(values, where);
        for (String metric : values.keySet()) {
            if (spec.objectives().stream().noneMatch(o -> o.metric().equals(metric))) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, where + " names metric \"" + metric
                        + "\", which is not an objective of this experiment; objectives: "
                        + spec.objectives().stream().map(Objective::metric).toList()
                        + " (other metrics go in repetitions)", Map.of("metric", metric));
            }
        }
        return values;
    }

    private static void checkFinite(Map<String, Double> values, String where) {
        for (var v : values.entrySet()) {
            if (v.getValue() == null || !Double.isFinite(v.getValue())) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, where + "." + v.getKey() + " is " + v.getValue()
                        + "; values must be finite numbers (report a FAILED result instead)", Map.of("metric", v.getKey()));
            }
        }
    }

    // ------------------------------------------------------------------ leases

    /**
     * Gives a worker one trial of an experiment whose task it can run: a trial waiting for a new
     * worker first, else a new one from the strategy. Waits up to the request's wait time.
     */
    public Optional<Lease> lease(LeaseRequest request) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(request.waitSeconds() == null ? 0 : request.waitSeconds());
        while (true) {
            for (LiveExperiment e : byId.values().stream().sorted(Comparator.comparingLong(x -> x.row.id())).toList()) {
                Optional<Lease> lease = tryLease(e, request);
                if (lease.isPresent()) {
                    return lease;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            synchronized (workSignal) {
                try {
                    workSignal.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 1000)));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
    }

    private Optional<Lease> tryLease(LiveExperiment e, LeaseRequest request) {
        synchronized (e) {
            Map<String, Object> task = e.row.spec().task();
            if (task == null || !e.isRunning() || !request.runners().contains(runnerOf(task))) {
                return Optional.empty();
            }
        }
        String leaseId = UUID.randomUUID().toString();
        StoredTrial leased = leaseWaiting(e, request.worker(), leaseId);
        if (leased == null) {
            leased = newTrial(e, request.worker(), leaseId, false);
            if (leased == null) {
                return Optional.empty();
            }
        }
        ExperimentSpec spec = e.row.spec();
        return Optional.of(new Lease(leaseId, leased.leaseExpires(), (int) config.leaseDuration().toSeconds(),
                toProposal(leased.trial(), null), e.row.id(), e.row.name(), spec.objectives(), spec.repetitions(), e.row.seed(),
                spec.task()));
    }

    /**
     * Hands out the first trial that waits for a new owner (its last lease expired or was
     * released), under {@code leaseId} (none when null), or null when none waits.
     */
    private StoredTrial leaseWaiting(LiveExperiment e, String worker, String leaseId) {
        StoredTrial leased = null;
        synchronized (e) {
            if (!e.isRunning()) {
                return null;
            }
            for (StoredTrial t : e.trials) {
                if (t.trial().state() == TrialState.WAITING) {
                    Instant now = now();
                    Trial w = t.trial();
                    var running = new Trial(w.id(), w.experimentId(), w.number(), w.params(), TrialState.RUNNING, null, null, null,
                            List.of(), w.created(), now, null, worker, null, null);
                    leased = new StoredTrial(running, leaseId, leaseId == null ? null : now.plus(config.leaseDuration()),
                            t.attempts());
                    e.replace(leased);
                    break;
                }
            }
        }
        if (leased != null) {
            persistTrial(e, leased.trial(), false);
        }
        return leased;
    }

    private static String runnerOf(Map<String, Object> task) {
        Object runner = task.get("runner");
        return runner == null ? "dl4j" : runner.toString();
    }

    /** Renews a lease. */
    public Heartbeat heartbeat(long trialId, String leaseId) {
        requireLeaseId(leaseId, "heartbeat");
        LiveExperiment e = owner(trialId);
        StoredTrial renewed;
        synchronized (e) {
            StoredTrial current = e.get(trialId);
            checkOpen(current, leaseId);
            renewed = current.withLease(leaseId, now().plus(config.leaseDuration()), current.attempts());
            e.replace(renewed);
        }
        StoredTrial row = renewed;
        storage.write(c -> c.update(row));
        return new Heartbeat(leaseId, renewed.leaseExpires());
    }

    /**
     * Gives a leased trial back: it waits for the next worker, and the release does not count
     * as an expired lease. A worker releases what it will not finish (on shutdown); the server
     * releases a lease whose long-poll reply found the worker gone.
     */
    public Trial release(long trialId, String leaseId) {
        requireLeaseId(leaseId, "release");
        LiveExperiment e = owner(trialId);
        Trial waiting;
        synchronized (e) {
            StoredTrial current = e.get(trialId);
            checkOpen(current, leaseId);
            waiting = waitingAgain(current.trial());
            e.replace(new StoredTrial(waiting, null, null, current.attempts()));
        }
        LOG.info("trial {} released by its lease holder; it waits for the next worker", trialId);
        persistTrial(e, waiting, false);
        signalWork();
        return waiting;
    }

    /** Returns expired leases' trials to WAITING, or fails them after too many expiries. */
    public int reapExpiredLeases() {
        int reaped = 0;
        Instant now = now();
        for (LiveExperiment e : byId.values()) {
            var changed = new ArrayList<Trial>();
            boolean completed = false;
            synchronized (e) {
                for (StoredTrial t : List.copyOf(e.trials)) {
                    if (t.leaseId() == null || t.leaseExpires() == null || t.leaseExpires().isAfter(now)
                            || t.trial().state() != TrialState.RUNNING) {
                        continue;
                    }
                    Trial x = t.trial();
                    int attempts = t.attempts() + 1;
                    Trial next;
                    if (attempts >= config.maxLeaseAttempts()) {
                        next = new Trial(x.id(), x.experimentId(), x.number(), x.params(), TrialState.FAILED, null, null, null,
                                x.reports(), x.created(), x.started(), now, x.worker(), null, x.provenance());
                        next = withError(next, "the lease expired " + attempts + " times (last worker: " + x.worker()
                                + "); the trial's workers stopped heartbeating");
                    } else {
                        next = waitingAgain(x);
                    }
                    e.replace(new StoredTrial(next, null, null, attempts));
                    changed.add(next);
                    LOG.warn("lease of trial {} (worker {}) expired; trial is now {}", x.id(), x.worker(), next.state());
                }
                if (!changed.isEmpty()) {
                    completed = completeIfDone(e);
                }
            }
            for (Trial t : changed) {
                persistTrial(e, t, false);
            }
            if (completed) {
                persistExperiment(e);
            }
            reaped += changed.size();
        }
        if (reaped > 0) {
            signalWork();
        }
        return reaped;
    }

    private static void requireLeaseId(String leaseId, String what) {
        if (leaseId == null || leaseId.isBlank()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "a " + what + " needs the leaseId the lease came with");
        }
    }

    /** The trial as it waits for its next worker: its params and number, nothing of the last attempt. */
    private static Trial waitingAgain(Trial x) {
        return new Trial(x.id(), x.experimentId(), x.number(), x.params(), TrialState.WAITING, null, null, null,
                List.of(), x.created(), null, null, null, null, null);
    }

    private static Trial withError(Trial t, String error) {
        return new Trial(t.id(), t.experimentId(), t.number(), t.params(), t.state(), t.values(), t.repetitions(), t.statistics(),
                t.reports(), t.created(), t.started(), t.finished(), t.worker(), error, t.provenance());
    }

    private void reapSafely() {
        try {
            reapExpiredLeases();
        } catch (RuntimeException ex) {
            LOG.error("lease reaper failed: {}", ex.getMessage(), ex);
        }
    }

    private void signalWork() {
        synchronized (workSignal) {
            workSignal.notifyAll();
        }
    }

    // ------------------------------------------------------------------ models and data reports

    public void putModel(long trialId, String leaseId, byte[] content) {
        if (content == null || content.length == 0) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "the model body is empty; send the model file's bytes");
        }
        LiveExperiment e = owner(trialId);
        synchronized (e) {
            StoredTrial current = e.get(trialId);
            if (current.leaseId() != null && !current.leaseId().equals(leaseId)) {
                checkOpen(current, leaseId);
            }
        }
        storage.write(c -> c.putModel(trialId, content));
    }

    public byte[] model(long trialId) {
        owner(trialId);
        return storage.model(trialId).orElseThrow(() -> TunelabException.of(ErrorCode.NOT_FOUND,
                "trial " + trialId + " has no stored model; only trials run by a worker with a task have one"));
    }

    /** Stores the dataset's data-quality report; {@code usable: false} stops the experiment with its problems. */
    public void putDataReport(String ref, Map<String, Object> report) {
        LiveExperiment e = find(ref);
        Object usable = report.get("usable");
        if (!(usable instanceof Boolean)) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "a data report needs \"usable\": true or false");
        }
        String json = Json.write(report);
        storage.write(c -> c.putDataReport(e.row.id(), json));
        if (!(Boolean) usable) {
            Object problems = report.get("problems");
            stopWithReason(e.row.id(), "unusable data: " + (problems instanceof List<?> l ? String.join("; ", l.stream().map(String::valueOf).toList()) : String.valueOf(problems)));
        }
        publish(e);
    }

    public Map<String, Object> dataReport(String ref) {
        LiveExperiment e = find(ref);
        String json = storage.dataReport(e.row.id()).orElseThrow(() -> TunelabException.of(ErrorCode.NOT_FOUND,
                "experiment \"" + e.row.name() + "\" has no data report yet; a worker computes it when it first runs the task"));
        @SuppressWarnings("unchecked")
        Map<String, Object> report = Json.read(json, Map.class);
        return report;
    }

    // ------------------------------------------------------------------ queries

    public Trial trial(long trialId) {
        LiveExperiment e = owner(trialId);
        synchronized (e) {
            return e.get(trialId).trial();
        }
    }

    public TrialPage trials(String ref, TrialQuery query) {
        LiveExperiment e = find(ref);
        synchronized (e) {
            TrialViews.View view = e.view(query);
            return new TrialPage(view.size(), view.page(query.offset(), query.limit()).stream()
                    .map(ExperimentService::withoutReports).toList());
        }
    }

    /** The best {@code limit} complete trials by the primary objective. */
    public List<Trial> leaderboard(String ref, int limit) {
        if (limit < 1 || limit > TrialQuery.MAX_LIMIT) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "limit must be from 1 to " + TrialQuery.MAX_LIMIT + ", got " + limit);
        }
        Snapshot s = snapshotOf(ref);
        return TrialViews.leaderboard(s.trials(), s.spec().primary(), limit).stream().map(ExperimentService::withoutReports).toList();
    }

    /** The non-dominated complete trials by every objective. */
    public List<Trial> pareto(String ref) {
        Snapshot s = snapshotOf(ref);
        return Pareto.front(s.trials(), s.spec().objectives()).stream().map(ExperimentService::withoutReports).toList();
    }

    /** Optimization history of the primary objective in columns: trial numbers, values, best so far. */
    public Map<String, Object> history(String ref) {
        Snapshot s = snapshotOf(ref);
        return TrialViews.history(s.trials(), s.spec().primary());
    }

    /** Intermediate-value curves of the primary metric of the latest trials that reported. */
    public List<Map<String, Object>> curves(String ref, int limit) {
        if (limit < 1 || limit > 1000) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "limit must be from 1 to 1000, got " + limit);
        }
        Snapshot s = snapshotOf(ref);
        return TrialViews.curves(s.trials(), s.spec().primary(), limit);
    }

    /** An experiment's trials and spec, taken together. */
    private record Snapshot(List<Trial> trials, ExperimentSpec spec) {
    }

    private Snapshot snapshotOf(String ref) {
        LiveExperiment e = find(ref);
        synchronized (e) {
            return new Snapshot(e.history(), e.row.spec());
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The clock's time at the precision storage keeps, so a trial reads the same before and after a restart. */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private LiveExperiment find(String ref) {
        if (ref == null || ref.isBlank()) {
            throw TunelabException.of(ErrorCode.NOT_FOUND, "no experiment reference given; use an experiment's id or name");
        }
        LiveExperiment e = byName.get(ref);
        if (e == null && ref.chars().allMatch(Character::isDigit) && ref.length() < 19) {
            e = byId.get(Long.parseLong(ref));
        }
        if (e == null) {
            throw TunelabException.of(ErrorCode.NOT_FOUND, "no experiment with id or name \"" + ref + "\"; list them with GET /api/experiments",
                    Map.of("experiment", ref));
        }
        return e;
    }

    private LiveExperiment owner(long trialId) {
        LiveExperiment e = byTrial.get(trialId);
        if (e == null) {
            throw TunelabException.of(ErrorCode.NOT_FOUND, "no trial with id " + trialId, Map.of("trial", trialId));
        }
        return e;
    }

    private Experiment snapshot(LiveExperiment e) {
        synchronized (e) {
            return e.experiment();
        }
    }

    private static TrialProposal toProposal(Trial t, String leaseId) {
        return new TrialProposal(t.id(), t.number(), t.params(), leaseId);
    }

    static Trial withoutReports(Trial t) {
        if (t.reports().isEmpty()) {
            return t;
        }
        return new Trial(t.id(), t.experimentId(), t.number(), t.params(), t.state(), t.values(), t.repetitions(), t.statistics(),
                null, t.created(), t.started(), t.finished(), t.worker(), t.error(), t.provenance());
    }

    /** Writes the trial's current row (and the experiment's when it changed) and announces them. */
    private void persistTrial(LiveExperiment e, Trial announced, boolean experimentChanged) {
        long id = announced.id();
        storage.write(c -> {
            synchronized (e) {
                c.update(e.get(id));
                if (experimentChanged) {
                    c.update(e.row);
                }
            }
        });
        publish(e, withoutReports(announced));
        if (experimentChanged) {
            publish(e);
        }
    }

    private void persistExperiment(LiveExperiment e) {
        storage.write(c -> {
            synchronized (e) {
                c.update(e.row);
            }
        });
        publish(e);
    }

    private void publish(LiveExperiment e) {
        ExperimentSummary s;
        synchronized (e) {
            s = e.summary();
        }
        events.publish("experiment", s);
    }

    private void publish(LiveExperiment e, Trial t) {
        events.publish("trial", withoutReports(t));
        publish(e);
    }

    @Override
    public void close() {
        reaper.shutdownNow();
        signalWork();
    }
}
