package io.tunelab.api;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lineage keys population-based training adds to params: reserved in a space, carried through validation. */
class SearchSpaceLineageTest {
    static final SearchSpace SPACE = SearchSpace.builder().add("lr", FloatParam.log(1e-4, 1e-1)).build();

    @Test
    void noParamMayTakeAReservedName() {
        assertThatThrownBy(() -> SearchSpace.builder().add("pbt.generation", IntParam.of(0, 3)).build())
                .isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessage("param \"pbt.generation\": names starting with \"pbt.\" are reserved for the lineage "
                        + "population-based training records; rename it");
    }

    @Test
    void validationCarriesLineageKeysThroughAfterTheParams() {
        var params = new LinkedHashMap<String, Object>();
        params.put("pbt.parent", 3L);
        params.put("lr", 0.01);
        assertThat(SPACE.validate(params)).containsExactly(Map.entry("lr", 0.01), Map.entry("pbt.parent", 3L));
        assertThatThrownBy(() -> SPACE.validate(Map.of("lr", 0.01, "pbt", 1))).hasMessageContaining("param \"pbt\" is not in the search space");
    }
}
