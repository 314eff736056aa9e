package io.tunelab.worker.runner;

import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LineageTest {
    @Test
    void paramsWithoutLineageKeysHaveNoLineage() {
        assertThat(Lineage.of(Map.of("model.units", 8))).isNull();
        assertThat(Lineage.of(null)).isNull();
    }

    @Test
    void theLineageIsReadFromTheReservedKeysAndStrippedFromTheParams() {
        var params = Map.<String, Object>of("training.learning_rate", 0.01, "pbt.parent", 12, "pbt.generation", 2,
                "pbt.member", 1, "pbt.start_epoch", 6, "pbt.epochs", 3.0);
        assertThat(Lineage.of(params)).isEqualTo(new Lineage(12L, 2, 1, 6, 3));
        assertThat(Lineage.strip(params)).containsExactly(Map.entry("training.learning_rate", 0.01));
        assertThat(Lineage.of(Map.of("pbt.generation", 0, "pbt.member", 0, "pbt.start_epoch", 0, "pbt.epochs", 3)).parent()).isNull();
    }

    @Test
    void aMalformedLineageIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> Lineage.of(Map.of("pbt.generation", "two", "pbt.member", 0, "pbt.start_epoch", 0, "pbt.epochs", 3)))
                .isInstanceOf(TunelabException.class).hasMessage("param \"pbt.generation\" must be a whole number, got two");
        assertThatThrownBy(() -> Lineage.of(Map.of("pbt.generation", 0, "pbt.member", 0, "pbt.start_epoch", 0, "pbt.epochs", 0)))
                .hasMessageContaining("epochs of 1 or more");
    }
}
