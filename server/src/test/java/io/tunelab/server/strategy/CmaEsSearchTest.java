package io.tunelab.server.strategy;

import io.tunelab.api.FloatParam;
import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CMA-ES's pre-selection by a surrogate ({@code preselect: quadratic}, {@code quadratic_or_additive},
 * {@code additive_early} and {@code additive_if_separable}).
 */
class CmaEsSearchTest {
    private static final List<Objective> LOSS = List.of(Objective.minimize("loss"));
    private static final int N = 6;
    private static final SearchSpace BOX;

    static {
        var builder = SearchSpace.builder();
        for (int i = 0; i < N; i++) {
            builder.add("x" + i, FloatParam.of(-5, 5));
        }
        BOX = builder.build();
    }

    /** An ellipsoid of condition number 10⁴, rotated (each coordinate mixed with the next), minimum at 1.5 in every coordinate. */
    private static double ellipsoid(Map<String, Object> params) {
        double f = 0;
        for (int i = 0; i < N; i++) {
            double a = (Double) params.get("x" + i) - 1.5;
            double b = (Double) params.get("x" + (i + 1) % N) - 1.5;
            double r = (a + b) / Math.sqrt(2);
            f += Math.pow(1e4, i / (N - 1.0)) * r * r;
        }
        return f;
    }

    private static List<Trial> run(Map<String, Object> options, long seed, int trials) {
        return run(options, seed, trials, CmaEsSearchTest::ellipsoid);
    }

    private static List<Trial> run(Map<String, Object> options, long seed, int trials,
                                   java.util.function.ToDoubleFunction<Map<String, Object>> loss) {
        var search = Strategies.create(new StrategySpec("cmaes", seed, options), BOX, LOSS, seed);
        var history = new ArrayList<Trial>();
        for (int n = 0; n < trials; n++) {
            var params = search.propose(new ProposalContext(BOX, LOSS, seed, n, history));
            history.add(InProcessExperiment.trial(n, params, TrialState.COMPLETE, Map.of("loss", loss.applyAsDouble(params))));
        }
        return history;
    }

    private static double best(List<Trial> history) {
        return history.stream().mapToDouble(t -> t.value("loss")).min().orElseThrow();
    }

    @Test
    void untilThereAreEnoughTrialsForAModelItProposesWhatPlainCmaesDoes() {
        int before = QuadraticSurrogate.diagonalNeeds(N);
        var plain = run(Map.of(), 4, before + 5);
        var preselecting = run(Map.of("preselect", "quadratic"), 4, before + 5);
        for (int n = 0; n < before; n++) {
            assertThat(preselecting.get(n).params()).as("trial %d", n).isEqualTo(plain.get(n).params());
        }
        assertThat(preselecting.subList(before, before + 5)).extracting(Trial::params)
                .isNotEqualTo(plain.subList(before, before + 5).stream().map(Trial::params).toList());
    }

    @Test
    void onARotatedEllipsoidItGetsFurtherInTheSameTrials() {
        for (long seed = 1; seed <= 3; seed++) {
            double plain = best(run(Map.of(), seed, 80));
            double preselecting = best(run(Map.of("preselect", "quadratic"), seed, 80));
            assertThat(preselecting).as("seed %d", seed).isLessThan(plain / 2);
        }
    }

    @Test
    void theSurrogateLearnsFromCompleteTrialsAlone() {
        var history = run(Map.of(), 5, 40);
        var unit = new UnitSpace(BOX);
        int[] dims = CmaEsSearch.cmaDimensions(unit);
        var observations = Observation.of(new ProposalContext(BOX, LOSS, 5, 40, history), unit, null, false);
        var model = CmaEsSearch.surrogate(observations, dims);
        // A failed and a pruned trial far off change nothing.
        var withOthers = new ArrayList<>(history);
        var far = new LinkedHashMap<String, Object>();
        for (int i = 0; i < N; i++) {
            far.put("x" + i, -4.9);
        }
        withOthers.add(InProcessExperiment.trial(40, far, TrialState.FAILED, null));
        withOthers.add(InProcessExperiment.trial(41, far, TrialState.PRUNED, Map.of("loss", -1e9)));
        var observed = Observation.of(new ProposalContext(BOX, LOSS, 5, 42, withOthers), unit, null, false);
        var same = CmaEsSearch.surrogate(observed, dims);
        double[] x = {0.3, 0.4, 0.5, 0.6, 0.7, 0.8};
        assertThat(same.predict(x)).isEqualTo(model.predict(x));
        assertThat(CmaEsSearch.surrogate(observations.subList(0, QuadraticSurrogate.diagonalNeeds(N) - 1), dims)).isNull();
        assertThat(QuadraticSurrogate.maxPoints(N)).isEqualTo(2 * QuadraticSurrogate.fullCoefficients(N));
        assertThat(QuadraticSurrogate.maxPoints(30)).isEqualTo(2 * QuadraticSurrogate.diagonalCoefficients(30));
    }

    /** Styblinski–Tang on the box: separable, of degree 4, minimum -39.166 N at -2.9035 in every coordinate. */
    private static double styblinski(Map<String, Object> params) {
        double f = 0;
        for (int i = 0; i < N; i++) {
            double x = (Double) params.get("x" + i);
            f += (x * x * x * x - 16 * x * x + 5 * x) / 2;
        }
        return f;
    }

    @Test
    void choosingTheFormByLeaveOneOutErrorFitsASeparableQuarticAdditivelyAndARotatedQuadraticFully() {
        var unit = new UnitSpace(BOX);
        int[] dims = CmaEsSearch.cmaDimensions(unit);
        var quartic = run(Map.of("preselect", "quadratic_or_additive"), 6, 60, CmaEsSearchTest::styblinski);
        var onQuartic = Observation.of(new ProposalContext(BOX, LOSS, 6, 60, quartic), unit, null, false);
        assertThat(CmaEsSearch.surrogate(onQuartic, dims, "quadratic_or_additive").form()).isEqualTo(QuadraticSurrogate.Form.ADDITIVE);
        assertThat(CmaEsSearch.surrogate(onQuartic, dims, "quadratic").form()).isEqualTo(QuadraticSurrogate.Form.FULL);
        var rotated = run(Map.of("preselect", "quadratic_or_additive"), 6, 60);
        var onRotated = Observation.of(new ProposalContext(BOX, LOSS, 6, 60, rotated), unit, null, false);
        assertThat(CmaEsSearch.surrogate(onRotated, dims, "quadratic_or_additive").form()).isEqualTo(QuadraticSurrogate.Form.FULL);
        // Before there are enough trials for any model it proposes what plain CMA-ES does.
        int before = QuadraticSurrogate.diagonalNeeds(N);
        var plain = run(Map.of(), 7, before);
        assertThat(run(Map.of("preselect", "quadratic_or_additive"), 7, before)).extracting(Trial::params)
                .isEqualTo(plain.stream().map(Trial::params).toList());
    }

    /** The sum over seeds 1–5 of the best Styblinski–Tang value after 80 trials with the given pre-selection. */
    private static double bestOnStyblinski(String preselect) {
        double sum = 0;
        for (long seed = 1; seed <= 5; seed++) {
            sum += best(run(Map.of("preselect", preselect), seed, 80, CmaEsSearchTest::styblinski));
        }
        return sum;
    }

    @Test
    void onASeparableQuarticTheChosenFormGetsFurtherThanTheQuadratic() {
        assertThat(bestOnStyblinski("quadratic_or_additive")).isLessThan(bestOnStyblinski("quadratic"));
    }

    @Test
    void additiveEarlyFitsTheAdditiveFormOnlyUntilThereAreTrialsEnoughForTheFullQuadratic() {
        var unit = new UnitSpace(BOX);
        int[] dims = CmaEsSearch.cmaDimensions(unit);
        int additive = QuadraticSurrogate.Form.ADDITIVE.needs(N);
        int full = QuadraticSurrogate.fullNeeds(N);
        assertThat(additive).isEqualTo(30);
        assertThat(full).isEqualTo(34);
        var history = run(Map.of("preselect", "additive_early"), 8, full + 10, CmaEsSearchTest::styblinski);
        var atAdditive = Observation.of(new ProposalContext(BOX, LOSS, 8, full - 1, history.subList(0, full - 1)), unit, null, false);
        assertThat(CmaEsSearch.surrogate(atAdditive, dims, "additive_early").form()).isEqualTo(QuadraticSurrogate.Form.ADDITIVE);
        assertThat(CmaEsSearch.surrogate(atAdditive, dims, "quadratic").form()).isEqualTo(QuadraticSurrogate.Form.DIAGONAL);
        for (int m : new int[] {full, full + 10}) {
            var atFull = Observation.of(new ProposalContext(BOX, LOSS, 8, m, history.subList(0, m)), unit, null, false);
            var early = CmaEsSearch.surrogate(atFull, dims, "additive_early");
            var quadratic = CmaEsSearch.surrogate(atFull, dims, "quadratic");
            assertThat(early.form()).as("%d trials", m).isEqualTo(QuadraticSurrogate.Form.FULL);
            assertThat(CmaEsSearch.surrogate(atFull, dims, "quadratic_or_additive").form()).as("%d trials", m)
                    .isEqualTo(QuadraticSurrogate.Form.ADDITIVE);
            double[] x = {0.1, 0.3, 0.5, 0.7, 0.9, 0.2};
            assertThat(early.predict(x)).isEqualTo(quadratic.predict(x));
        }
        // Until the additive form has its trials it proposes what preselect: quadratic does; from
        // there on its own.
        var quadratic = run(Map.of("preselect", "quadratic"), 8, full, CmaEsSearchTest::styblinski);
        var early = history.subList(0, full);
        assertThat(early.subList(0, additive)).extracting(Trial::params)
                .isEqualTo(quadratic.subList(0, additive).stream().map(Trial::params).toList());
        assertThat(early).extracting(Trial::params).isNotEqualTo(quadratic.stream().map(Trial::params).toList());
    }

    @Test
    void additiveIfSeparableProposesWhatQuadraticDoesWhereTheLossHasCrossTerms() {
        for (long seed = 9; seed <= 10; seed++) {
            assertThat(run(Map.of("preselect", "additive_if_separable"), seed, 80)).extracting(Trial::params)
                    .isEqualTo(run(Map.of("preselect", "quadratic"), seed, 80).stream().map(Trial::params).toList());
        }
    }

    @Test
    void additiveIfSeparableFitsASeparableQuarticAdditivelyAndGetsFurtherThanTheQuadratic() {
        var unit = new UnitSpace(BOX);
        int[] dims = CmaEsSearch.cmaDimensions(unit);
        int additive = QuadraticSurrogate.Form.ADDITIVE.needs(N);
        var history = run(Map.of("preselect", "additive_if_separable"), 11, 60, CmaEsSearchTest::styblinski);
        var observed = Observation.of(new ProposalContext(BOX, LOSS, 11, 60, history), unit, null, false);
        assertThat(CmaEsSearch.surrogate(observed, dims, "additive_if_separable").form()).isEqualTo(QuadraticSurrogate.Form.ADDITIVE);
        // Until the additive form has its trials it proposes what preselect: quadratic does.
        var quadratic = run(Map.of("preselect", "quadratic"), 11, 60, CmaEsSearchTest::styblinski);
        assertThat(history.subList(0, additive)).extracting(Trial::params)
                .isEqualTo(quadratic.subList(0, additive).stream().map(Trial::params).toList());
        assertThat(bestOnStyblinski("additive_if_separable")).isLessThan(bestOnStyblinski("quadratic"));
    }
}
