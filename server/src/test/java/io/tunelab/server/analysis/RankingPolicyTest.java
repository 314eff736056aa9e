package io.tunelab.server.analysis;

import io.tunelab.api.Analysis;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.PairedTest;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RankingPolicyTest {
    static ExperimentSpec spec(Map<String, Object> task, Analysis analysis) {
        return ExperimentSpec.builder("x").minimize("loss").task(task).analysis(analysis).build();
    }

    static Map<String, Object> folds(Object k) {
        return Map.of("dataset", Map.of("name", "iris", "validation", Map.of("folds", k)));
    }

    @Test
    void aTaskWithFoldsIsComparedByTheCorrectedTest() {
        RankingPolicy p = RankingPolicy.of(spec(folds(5), null));
        assertThat(p.kind()).isEqualTo(RepetitionKind.folds(5));
        assertThat(p.alpha()).isEqualTo(0.05);
    }

    @Test
    void withoutFoldsTheRepetitionsAreSeedsComparedByTheTestTheSpecNames() {
        assertThat(RankingPolicy.of(spec(null, null)).kind()).isEqualTo(RepetitionKind.seeds());
        assertThat(RankingPolicy.of(spec(Map.of("dataset", Map.of("validation", Map.of("holdout", 0.2))), null)).kind())
                .isEqualTo(RepetitionKind.seeds());
        RankingPolicy wilcoxon = RankingPolicy.of(spec(null, new Analysis(PairedTest.WILCOXON, 0.1)));
        assertThat(wilcoxon.kind()).isEqualTo(RepetitionKind.seeds(PairedTest.WILCOXON));
        assertThat(wilcoxon.alpha()).isEqualTo(0.1);
    }

    @Test
    void aTestForFoldsOrFoldsThatAreNotAWholeNumberAreRefused() {
        assertThatThrownBy(() -> RankingPolicy.of(spec(folds(3), new Analysis(PairedTest.WILCOXON, null))))
                .isInstanceOf(TunelabException.class).hasMessageContaining("remove analysis.test")
                .satisfies(e -> assertThat(((TunelabException) e).code()).isEqualTo(ErrorCode.INVALID_SPEC));
        assertThatThrownBy(() -> RankingPolicy.of(spec(folds(1), null))).hasMessageContaining("from 2 to 100, as {folds: 5}; got 1");
        assertThatThrownBy(() -> RankingPolicy.of(spec(folds("3"), null))).hasMessageContaining("whole number");
    }

    @Test
    void whenTheFoldsAreSearchedEachTrialsRepetitionsAreTheFoldsOfItsOwnK() {
        var spec = ExperimentSpec.builder("x").minimize("loss").param(RankingPolicy.FOLDS_PARAM, IntParam.of(3, 10)).build();
        RankingPolicy p = RankingPolicy.of(spec);
        assertThat(p.foldsSearched()).isTrue();
        assertThat(p.kind().test()).isEqualTo(PairedTest.CORRECTED_T);
        assertThat(p.kindOf(trial(Map.of(RankingPolicy.FOLDS_PARAM, 7)))).isEqualTo(RepetitionKind.folds(7));
        assertThat(p.kindOf(trial(Map.of()))).isEqualTo(RepetitionKind.folds(3));
        assertThat(RankingPolicy.of(spec(folds(5), null)).kindOf(trial(Map.of(RankingPolicy.FOLDS_PARAM, 7))))
                .isEqualTo(RepetitionKind.folds(5));
    }

    @Test
    void searchedFoldsThatCannotBeFoldsOrWithASeedTestAreRefused() {
        assertThatThrownBy(() -> RankingPolicy.of(ExperimentSpec.builder("x").minimize("loss")
                .param(RankingPolicy.FOLDS_PARAM, FloatParam.of(2, 5)).build()))
                .hasMessageContaining("param \"dataset.validation.folds\" must be an int param from 2 to 100");
        assertThatThrownBy(() -> RankingPolicy.of(ExperimentSpec.builder("x").minimize("loss")
                .param(RankingPolicy.FOLDS_PARAM, IntParam.of(1, 5)).build())).hasMessageContaining("an int param from 2 to 100");
        assertThatThrownBy(() -> RankingPolicy.of(ExperimentSpec.builder("x").minimize("loss")
                .param(RankingPolicy.FOLDS_PARAM, IntParam.of(3, 5)).analysis(new Analysis(PairedTest.PAIRED_T, null)).build()))
                .hasMessageContaining("remove analysis.test");
    }

    private static Trial trial(Map<String, Object> params) {
        return new Trial(1, 1, 0, params, TrialState.COMPLETE, null, null, null, null, null, null, null, null, null, null, null);
    }
}
