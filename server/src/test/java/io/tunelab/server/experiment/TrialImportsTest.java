package io.tunelab.server.experiment;

import io.tunelab.api.Budget;
import io.tunelab.api.CategoricalParam;
import io.tunelab.api.Condition;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentPatch;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExportFormat;
import io.tunelab.api.FloatParam;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialImport;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.api.WarmStart;
import io.tunelab.server.storage.JdbcStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Trials from elsewhere: a warm start's best trials of another experiment, and the rows of a CSV. */
class TrialImportsTest {
    @TempDir
    Path dir;
    JdbcStorage storage;
    Coordinator coordinator;
    ExperimentService service;
    ExperimentQueries queries;
    TrialImports imports;
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @BeforeEach
    void open() {
        storage = JdbcStorage.openDataDirectory(dir);
        coordinator = Coordinator.open(storage, () -> now, Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)), null);
        service = coordinator.experiments();
        queries = coordinator.queries();
        imports = coordinator.imports();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private static ExperimentSpec.Builder spec(String name, double high) {
        return ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, high)).strategy(new StrategySpec("tpe", 11L,
                Map.of("startup_trials", 5)));
    }

    private static double loss(Map<String, Object> params) {
        double x = ((Number) params.get("x")).doubleValue();
        return (x - 0.8) * (x - 0.8);
    }

    /** An experiment of {@code n} told trials of the loss above, proposed at random. */
    private void source(String name, int n) {
        service.create(ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1)).param("y", FloatParam.of(0, 1))
                .strategy(new StrategySpec("random", 3L, Map.of())).build());
        for (int i = 0; i < n; i++) {
            TrialProposal p = service.ask(name);
            service.tell(p.id(), TrialResult.complete(Map.of("loss", loss(p.params()))));
        }
    }

    private List<Trial> trials(String ref) {
        return queries.trials(ref, TrialQuery.all()).trials();
    }

    @Test
    void aWarmStartCopiesTheBestFittingTrialsAsImportedHistoryOutsideTheBudget() {
        source("cold", 30);
        List<Trial> best = trials("cold").stream().sorted(Comparator.comparingDouble(t -> t.value("loss"))).toList();

        service.create(spec("warm", 1).budget(new Budget(2, null, null)).warmStart(WarmStart.of("cold", 4)).build());

        List<Trial> imported = trials("warm");
        assertThat(imported).hasSize(4).allSatisfy(t -> {
            assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(t.params()).containsOnlyKeys("x");
            assertThat(t.provenance().get(TrialImports.IMPORTED)).isInstanceOf(Map.class);
        });
        assertThat(imported).extracting(t -> (Object) ((Map<?, ?>) t.provenance().get(TrialImports.IMPORTED)).get("trial"))
                .containsExactlyElementsOf(best.subList(0, 4).stream().map(t -> (Object) t.id()).toList());
        assertThat(((Map<?, ?>) imported.getFirst().provenance().get(TrialImports.IMPORTED)).get("from")).isEqualTo("cold");
        assertThat(queries.leaderboard("warm", 0, 10).trials()).hasSize(4);

        service.ask("warm");
        service.ask("warm");
        assertThatThrownBy(() -> service.ask("warm")).as("imported trials are outside budget.trials (2)")
                .isInstanceOf(TunelabException.BudgetExhausted.class);

        storage.close();
        open();
        assertThat(trials("warm")).hasSize(6).filteredOn(TrialImports::isImported).hasSize(4);
    }

    @Test
    void onlyTrialsWhoseParamsFitTheNewSpaceAreCopied() {
        source("wide", 20);
        service.create(spec("narrow", 0.5).warmStart(WarmStart.of("wide", 10_000)).build());
        long inside = trials("wide").stream().filter(t -> ((Number) t.params().get("x")).doubleValue() <= 0.5).count();
        assertThat(trials("narrow")).hasSize((int) inside).allSatisfy(t -> assertThat((Double) t.params().get("x")).isLessThanOrEqualTo(0.5));
    }

    @Test
    void tpeLearnsFromTheWarmStartFromItsFirstProposal() {
        source("history", 40);
        double bestX = (Double) trials("history").stream().min(Comparator.comparingDouble(t -> t.value("loss"))).orElseThrow()
                .params().get("x");

        service.create(spec("cold-start", 1).build());
        service.create(spec("warm-start", 1).warmStart(WarmStart.of("history", 40)).build());
        double cold = (Double) service.ask("cold-start").params().get("x");
        double warm = (Double) service.ask("warm-start").params().get("x");

        assertThat(warm).as("TPE models the 40 imported trials: its first proposal lands near their best").isCloseTo(bestX, within(0.15));
        assertThat(warm).as("a cold start with the same seed draws at random").isNotEqualTo(cold);
        assertThat(Math.abs(cold - 0.8)).isGreaterThan(Math.abs(warm - 0.8));
    }

    @Test
    void aWarmStartThatCannotBeMadeCreatesNothing() {
        source("minimized", 3);
        assertThatThrownBy(() -> service.create(spec("a", 1).warmStart(WarmStart.of("nope", 3)).build()))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC))
                .hasMessageContaining("warm_start.from: no experiment with id or name \"nope\"");
        assertThatThrownBy(() -> service.create(ExperimentSpec.builder("b").maximize("loss").param("x", FloatParam.of(0, 1))
                .warmStart(WarmStart.of("minimized", 3)).build()))
                .hasMessageContaining("warm_start.from: experiment \"minimized\" has objectives [loss (minimize)], this spec [loss (maximize)]");
        assertThatThrownBy(() -> service.create(spec("c", 1).param("opt", CategoricalParam.of("sgd"))
                .warmStart(WarmStart.of("minimized", 3)).build()))
                .hasMessageContaining("none of the 3 ranked trials of \"minimized\" fits this search space");
        assertThat(queries.summaries()).extracting(s -> s.name()).containsExactly("minimized");
        assertThatThrownBy(() -> WarmStart.of("x", 0)).hasMessageContaining("warm_start.top must be between 1 and 10000");
        assertThatThrownBy(() -> WarmStart.of(" ", 3)).hasMessageContaining("warm_start.from is required");
    }

    @Test
    void aCloneOfAWarmStartedExperimentStartsAsTheOriginalDidWhateverItsSourceBecame() {
        source("first", 8);
        service.create(spec("warm", 1).trials(2).warmStart(WarmStart.of("first", 3)).build());
        List<Trial> warmed = trials("warm");
        TrialProposal originalFirst = service.ask("warm");
        service.tell(originalFirst.id(), TrialResult.complete(Map.of("loss", 0.5)));
        // The source gets better trials, then another name: its top 3 now are others, under another name.
        for (int i = 0; i < 3; i++) {
            service.tell(service.ask("first").id(), TrialResult.complete(Map.of("loss", 0.0)));
        }
        coordinator.catalog().update("first", ExperimentPatch.rename("renamed"), null);
        service.create(ExperimentSpec.builder("first").minimize("loss").param("x", FloatParam.of(0, 1)).build());
        service.tell(service.ask("first").id(), TrialResult.complete(Map.of("loss", -1.0)));

        coordinator.catalog().copy("warm", "again", "alice");

        List<Trial> copied = trials("again");
        assertThat(copied).as("the original's warm start, once; none of its own trials").hasSize(3).allSatisfy(t -> {
            assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(t.toldBy()).isEqualTo("alice");
        });
        assertThat(copied).extracting(Trial::params).containsExactlyElementsOf(warmed.stream().map(Trial::params).toList());
        assertThat(copied).extracting(Trial::values).containsExactlyElementsOf(warmed.stream().map(Trial::values).toList());
        assertThat(copied).extracting(t -> t.provenance().get(TrialImports.IMPORTED))
                .containsExactlyElementsOf(warmed.stream().map(t -> t.provenance().get(TrialImports.IMPORTED)).toList());
        assertThat(queries.experiment("again").spec().warmStart()).isEqualTo(WarmStart.of("first", 3));

        TrialProposal cloneFirst = service.ask("again");
        assertThat(cloneFirst.number()).isEqualTo(3);
        assertThat(cloneFirst.params()).as("same seed, same history: the same first proposal").isEqualTo(originalFirst.params());
        service.ask("again");
        assertThatThrownBy(() -> service.ask("again")).as("imported trials are outside budget.trials (2)")
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXHAUSTED));
    }

    @Test
    void aFailedWriteOfAWarmStartOrAnImportLeavesNothingBehind() {
        source("stored", 5);
        storage.close();
        var failing = new FailingStorage(JdbcStorage.openDataDirectory(dir));
        var c = Coordinator.open(failing, () -> now, Events.NONE, new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)), null);
        ExperimentSpec warm = spec("warm", 1).warmStart(WarmStart.of("stored", 3)).build();
        failing.failNextWrite();
        assertThatThrownBy(() -> c.experiments().create(warm)).hasMessageContaining("the disk is full");
        assertThat(c.queries().summaries()).extracting(s -> s.name()).containsExactly("stored");
        assertThat(failing.experiments()).hasSize(1);

        c.experiments().create(warm);
        failing.failNextWrite();
        assertThatThrownBy(() -> c.imports().importCsv("warm", "params_x,values_loss\n0.5,1\n0.25,2\n", null))
                .hasMessageContaining("the disk is full");
        assertThat(c.queries().trials("warm", TrialQuery.all()).trials()).hasSize(3);
        assertThat(c.imports().importCsv("warm", "params_x,values_loss\n0.5,1\n", null).imported()).isEqualTo(1);
        assertThat(c.experiments().ask("warm").number()).as("the failed import's numbers were given back").isEqualTo(4);
        failing.close();
        open();
        assertThat(trials("warm")).hasSize(5).filteredOn(TrialImports::isImported).hasSize(4);
    }

    private String export(String ref) throws IOException {
        var out = new ByteArrayOutputStream();
        queries.export(ref).write(ExportFormat.CSV, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anExportImportsAsItIsIntoAnotherExperiment() throws IOException {
        source("exported", 5);
        TrialProposal running = service.ask("exported");
        TrialProposal pruned = service.ask("exported");
        service.tell(pruned.id(), TrialResult.pruned(Map.of("loss", 0.9)));
        service.tell(service.ask("exported").id(), TrialResult.failed("diverged, see log"));
        assertThat(running.id()).isPositive();

        service.create(ExperimentSpec.builder("copy").minimize("loss").param("x", FloatParam.of(0, 1)).param("y", FloatParam.of(0, 1))
                .budget(new Budget(1, null, null)).build());
        TrialImport result = imports.importCsv("copy", export("exported"), "alice");

        assertThat(result.imported()).isEqualTo(7);
        assertThat(result.skipped()).as("the RUNNING row").isEqualTo(1);
        List<Trial> source = trials("exported").stream().filter(t -> t.state() != TrialState.RUNNING).toList();
        List<Trial> copy = trials("copy");
        assertThat(copy).extracting(Trial::params).containsExactlyElementsOf(source.stream().map(Trial::params).toList());
        assertThat(copy).extracting(Trial::state).containsExactlyElementsOf(source.stream().map(Trial::state).toList());
        assertThat(copy).extracting(Trial::values).containsExactlyElementsOf(source.stream()
                .map(t -> t.state() == TrialState.FAILED ? Map.<String, Double>of() : t.values()).toList());
        assertThat(copy.getLast().error()).isEqualTo("diverged, see log");
        assertThat(copy).allSatisfy(t -> assertThat(t.toldBy()).isEqualTo("alice"));
        assertThat(copy.get(2).provenance().get(TrialImports.IMPORTED)).isEqualTo(Map.of("from", "csv", "row", 3));
        assertThat(service.ask("copy").number()).as("imported trials are outside budget.trials (1)").isEqualTo(7);
    }

    @Test
    void aBadRowImportsNothingAndNamesItsRowAndColumn() {
        service.create(ExperimentSpec.builder("strict").minimize("loss").param("x", FloatParam.of(0, 1))
                .param("opt", CategoricalParam.of("sgd", "adam"))
                .param("momentum", FloatParam.of(0, 1).withWhen(Condition.of("opt", "sgd"))).build());
        String header = "number,params_x,params_opt,params_momentum,values_loss,values_other,state\n";
        record Case(String csv, String says) {
        }
        for (Case c : List.of(
                new Case(header + "0,0.5,adam,,0.1,,COMPLETE\n1,1.5,adam,,0.2,,COMPLETE\n", "row 2, column params_x: 1.5 is outside [0.0, 1.0]"),
                new Case(header + "0,0.5,adamw,,0.1,,COMPLETE\n", "row 1, column params_opt: adamw is not one of [sgd, adam]"),
                new Case(header + "0,0.5,adam,0.9,0.1,,COMPLETE\n", "row 1, column params_momentum: param \"momentum\" is inactive"),
                new Case(header + "0,0.5,sgd,,0.1,,COMPLETE\n", "row 1, column params_momentum: param \"momentum\" is active but has no value"),
                new Case(header + "0,0.5,adam,,,,COMPLETE\n", "row 1, column values_loss: a COMPLETE row needs a value"),
                new Case(header + "0,0.5,adam,,abc,,COMPLETE\n", "row 1, column values_loss: \"abc\" is not a finite number"),
                new Case(header + "0,0.5,adam,,0.1,,DONE\n", "row 1, column state: \"DONE\" is not a trial state; use COMPLETE, PRUNED or FAILED"),
                new Case(header + "0,0.5,adam,0.1,COMPLETE\n", "row 1: has 5 cells, the header 7"),
                new Case("params_x,params_lr,values_loss\n0.5,0.1,0.1\n", "header, column params_lr: param \"lr\" is not in the search space"),
                new Case("params_x,params_opt\n0.5,adam\n", "header: no column values_loss for objective \"loss\""),
                new Case("", "the CSV is empty"),
                new Case(header + "0,\"0.5,adam\n", "line 2: a quoted field is never closed"))) {
            assertThatThrownBy(() -> imports.importCsv("strict", c.csv(), null)).as(c.says())
                    .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE))
                    .hasMessageContaining(c.says());
        }
        assertThat(trials("strict")).isEmpty();
        TrialImport ok = imports.importCsv("strict", header.replace(",state", ",state,params_pbt.parent")
                .replace("\n", "\r\n") + "0,0.5,sgd,0.3,0.1,7,COMPLETE,\r\n1,0.25,adam,,,,PRUNED,0\r\n2,0.1,adam,,,,WAITING,0\r\n", null);
        assertThat(ok.imported()).isEqualTo(2);
        assertThat(ok.skipped()).isEqualTo(1);
        assertThat(trials("strict")).extracting(Trial::params)
                .containsExactly(Map.of("x", 0.5, "opt", "sgd", "momentum", 0.3), Map.of("x", 0.25, "opt", "adam"));
    }
}
