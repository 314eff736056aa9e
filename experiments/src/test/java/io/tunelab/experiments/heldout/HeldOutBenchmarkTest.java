package io.tunelab.experiments.heldout;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sweeps the held-out benchmark compares: same split, seed and budget on both sides; only the named difference. */
class HeldOutBenchmarkTest {
    @Test
    @SuppressWarnings("unchecked")
    void bothSidesOfAComparisonHoldOutTheSameTestSplitWithTheSameSeedAndBudget() throws Exception {
        var setups = HeldOutBenchmark.setups("breast-cancer-features");
        Map<String, Object> searched = HeldOutBenchmark.spec(setups.get(0), 4, 12);
        Map<String, Object> plain = HeldOutBenchmark.spec(setups.get(1), 4, 12);
        for (Map<String, Object> spec : java.util.List.of(searched, plain)) {
            assertThat(spec).containsEntry("seed", 4L);
            assertThat((Map<String, Object>) spec.get("budget")).containsEntry("trials", 12);
            assertThat((Map<String, Object>) ((Map<String, Object>) spec.get("task")).get("dataset")).containsEntry("test", 0.2);
        }
        assertThat(searched.get("name")).isNotEqualTo(plain.get("name"));
        assertThat((Map<String, Object>) searched.get("space")).containsKeys("preprocessing.selection", "training.class_weights");
        assertThat((Map<String, Object>) plain.get("space")).containsOnlyKeys("model.dropout");
        assertThat(plain.get("task")).as("only the space differs").isEqualTo(searched.get("task"));
    }

    @Test
    void theModelFamilyComparisonStartsFromTheTwoDigitsSweeps() throws Exception {
        var setups = HeldOutBenchmark.setups("digits-family");
        assertThat(setups).extracting(HeldOutBenchmark.Setup::specFile).containsExactly("digits-mlp.yaml", "digits-cnn.yaml");
        assertThat(HeldOutBenchmark.spec(setups.get(1), 2, 20).get("name")).isEqualTo("cnn-20-hold-out-seed-2");
        assertThatThrownBy(() -> HeldOutBenchmark.setups("pbt")).hasMessageContaining("digits-family, digits-anchor, breast-cancer-features, digits-pbt, digits-pbt-sgd or digits-learn-from");
    }

    @Test
    void theModelInputsAreReadFromEachFoldsPreprocessing() {
        assertThat(HeldOutBenchmark.modelInputs(java.util.List.of(Map.of("outputs", 12), Map.of("outputs", 13), Map.of("outputs", 12))))
                .isEqualTo("12/13");
        assertThat(HeldOutBenchmark.modelInputs(Map.of("inputs", 30, "outputs", 9))).isEqualTo("9");
        assertThat(HeldOutBenchmark.modelInputs(null)).isEqualTo("?");
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePbtComparisonGivesEachSideTheSameFortyEightEpochs() throws Exception {
        var setups = HeldOutBenchmark.setups("digits-pbt");
        var pbt = HeldOutBenchmark.spec(setups.get(0), 3, 99);
        var asha = HeldOutBenchmark.spec(setups.get(1), 3, 99);
        var plain = HeldOutBenchmark.spec(setups.get(2), 3, 99);
        assertThat((Map<String, Object>) pbt.get("budget")).containsEntry("trials", 16);
        assertThat((Map<String, Object>) pbt.get("strategy")).containsEntry("name", "pbt");
        assertThat((Map<String, Object>) asha.get("budget")).containsEntry("trials", 8);
        assertThat((Map<String, Object>) ((Map<String, Object>) asha.get("pruner"))).containsEntry("name", "asha");
        assertThat((Map<String, Object>) plain.get("budget")).containsEntry("trials", 4);
        assertThat(plain).doesNotContainKey("pruner");
        for (var spec : java.util.List.of(asha, plain)) {
            var task = (Map<String, Object>) spec.get("task");
            assertThat((Map<String, Object>) task.get("training")).containsEntry("epochs", 12);
            assertThat((Map<String, Object>) task.get("dataset")).containsEntry("test", 0.2);
            assertThat(spec.get("space")).isEqualTo(pbt.get("space"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theLearningRateSensitiveComparisonRunsEverySideWithPlainSgdOverThreeDecades() throws Exception {
        for (var setup : HeldOutBenchmark.setups("digits-pbt-sgd")) {
            Map<String, Object> spec = HeldOutBenchmark.spec(setup, 2, 99);
            var training = (Map<String, Object>) ((Map<String, Object>) spec.get("task")).get("training");
            assertThat(training).as(setup.label()).containsEntry("optimizer", "sgd");
            assertThat((Map<String, Object>) ((Map<String, Object>) spec.get("space")).get("training.learning_rate"))
                    .containsEntry("low", 1.0e-3).containsEntry("high", 1.0);
        }
    }

    @Test
    void theAnchorComparisonRunsTheDigitsSweepBesideTheAnchorScript() throws Exception {
        var setups = HeldOutBenchmark.setups("digits-anchor");
        assertThat(setups).extracting(HeldOutBenchmark.Setup::specFile).containsExactly("digits-mlp.yaml", null);
        assertThat(setups.get(1).label()).isEqualTo(HeldOutBenchmark.ANCHOR);
        assertThat(io.tunelab.experiments.support.TunelabProcesses.home().resolve("experiments/anchor/digits_anchor.py")).exists();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theLearnFromComparisonDiffersOnlyInWhatTpeLearnsFrom() throws Exception {
        var setups = HeldOutBenchmark.setups("digits-learn-from");
        Map<String, Object> all = HeldOutBenchmark.spec(setups.get(0), 2, 60);
        Map<String, Object> complete = HeldOutBenchmark.spec(setups.get(1), 2, 60);
        assertThat((Map<String, Object>) all.get("strategy")).containsEntry("name", "tpe")
                .containsEntry("options", Map.of("learn_from", "all"));
        assertThat((Map<String, Object>) complete.get("strategy")).containsEntry("options", Map.of("learn_from", "complete"));
        assertThat(all.get("pruner")).isEqualTo(complete.get("pruner")).isNotNull();
        assertThat(all.get("task")).isEqualTo(complete.get("task"));
        assertThat(all.get("budget")).isEqualTo(complete.get("budget"));
    }
}
