package io.tunelab.api;

import com.fasterxml.jackson.core.type.TypeReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A trial's params: ordered, immutable, equal to any map with the same entries, copied once. */
class ParamMapTest {
    private static LinkedHashMap<String, Object> params(int size) {
        var params = new LinkedHashMap<String, Object>();
        for (int i = size - 1; i >= 0; i--) {
            params.put("p" + i, i % 3 == 0 ? "c" + i : i % 3 == 1 ? (Object) (i * 0.5) : (Object) i);
        }
        return params;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, ParamMap.SCANNED, ParamMap.SCANNED + 1, 200})
    void behavesAsTheMapItWasMadeFrom(int size) {
        var source = params(size);
        Map<String, Object> map = ParamMap.of(source);
        assertThat(map).isEqualTo(source).hasSameHashCodeAs(source);
        assertThat(source).isEqualTo(map);
        assertThat(List.copyOf(map.keySet())).as("the order given").isEqualTo(List.copyOf(source.keySet()));
        for (var e : source.entrySet()) {
            assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
            assertThat(map.containsKey(e.getKey())).isTrue();
        }
        assertThat(map.get("absent")).isNull();
        assertThat(map.containsKey("absent")).isFalse();
        assertThat(map.get(null)).isNull();
        assertThat(Json.write(map)).isEqualTo(Json.write(source));
        assertThat(Json.mapper().convertValue(map, new TypeReference<LinkedHashMap<String, Object>>() { })).isEqualTo(source);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 40})
    void isImmutableAndUntouchedByItsSource(int size) {
        var source = params(size);
        Map<String, Object> map = ParamMap.of(source);
        source.put("late", 1);
        assertThat(map).doesNotContainKey("late").hasSize(size);
        assertThatThrownBy(() -> map.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> map.remove("p0")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> map.entrySet().iterator().next().setValue(2)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> map.keySet().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @org.junit.jupiter.api.Test
    void aTrialRebuiltForANewStateKeepsItsParamsWithoutACopy() {
        var proposal = new TrialProposal(7, 3, params(4));
        var running = new Trial(7, 1, 3, proposal.params(), TrialState.RUNNING, null, null, null, null, Instant.EPOCH,
                Instant.EPOCH, null, "w", null, null, null);
        var complete = new Trial(7, 1, 3, running.params(), TrialState.COMPLETE, Map.of("loss", 1.0), null, null, null,
                Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, "w", null, null, null);
        assertThat(running.params()).isSameAs(proposal.params());
        assertThat(complete.params()).isSameAs(proposal.params()).isEqualTo(params(4));
        assertThat(Json.read(Json.write(complete), Trial.class)).isEqualTo(complete);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, ParamMap.SCANNED + 4})
    void paramsWithTheSameNamesInTheSameOrderShareOneNamesArray(int size) {
        Map<String, Object> first = ParamMap.of(params(size));
        var other = params(size);
        other.replaceAll((name, value) -> value instanceof String ? value + "x" : 0.25);
        Map<String, Object> second = ParamMap.of(other);
        var reordered = new LinkedHashMap<String, Object>();
        other.reversed().forEach(reordered::put);
        Map<String, Object> third = ParamMap.of(reordered);

        assertThat(ParamMap.shareNames(first, second)).isTrue();
        assertThat(second).isEqualTo(other).isNotEqualTo(first);
        other.keySet().forEach(name -> assertThat(second.get(name)).isEqualTo(other.get(name)));
        assertThat(ParamMap.shareNames(second, third)).as("another order, other names").isFalse();
        assertThat(List.copyOf(third.keySet())).isEqualTo(List.copyOf(reordered.keySet()));
        assertThat(third.get("p0")).isEqualTo(other.get("p0"));
    }
}
