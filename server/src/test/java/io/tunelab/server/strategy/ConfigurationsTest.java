package io.tunelab.server.strategy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Configurations.Seen} answers the same whether it scans (its first question) or looks up
 * its index (later ones): equal by {@link Configurations#key}, numbers by value, strings apart
 * from numbers, whatever the params' order.
 */
class ConfigurationsTest {
    static final List<Map<String, Object>> HISTORY = List.of(
            Map.of("lr", 0.01, "layers", 2, "optimizer", "adam"),
            Map.of("lr", 0.02, "layers", 3, "optimizer", "sgd"),
            Map.of("optimizer", "sgd", "layers", 4),
            Map.of("optimizer", "rmsprop"),
            Map.of("units", -0.0));

    /** Asked first (the scan) and asked after another question (the index): the answer must not differ. */
    static boolean contains(Map<String, Object> config, boolean indexed) {
        var seen = Configurations.Seen.of(HISTORY);
        if (indexed) {
            seen.contains(Map.of("nothing", "like it"));
        }
        return seen.contains(config);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void equalConfigurationsAreSeenWhateverTheirNumberTypesAndOrder(boolean indexed) {
        assertThat(contains(Map.of("optimizer", "adam", "layers", 2.0, "lr", 0.01), indexed)).isTrue();
        assertThat(contains(Map.of("layers", 4L, "optimizer", "sgd"), indexed)).isTrue();
        assertThat(contains(Map.of("optimizer", "rmsprop"), indexed)).isTrue();
        assertThat(contains(Map.of("units", -0.0), indexed)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void differentConfigurationsAreNotSeen(boolean indexed) {
        assertThat(contains(Map.of("lr", 0.01, "layers", 2, "optimizer", "sgd"), indexed)).as("one param differs").isFalse();
        assertThat(contains(Map.of("lr", 0.01, "layers", 2), indexed)).as("a param fewer").isFalse();
        assertThat(contains(Map.of("optimizer", "sgd", "layers", "4"), indexed)).as("a string is not a number").isFalse();
        assertThat(contains(Map.of("optimizer", "adam"), indexed)).isFalse();
        assertThat(contains(Map.of("units", 0.0), indexed)).as("keys tell -0.0 from 0.0").isFalse();
    }

    @Test
    void theScanAndTheIndexAgreeOnRandomConfigurations() {
        var rng = new SplittableRandom(7);
        var history = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < 300; i++) {
            history.add(Map.of("x", rng.nextInt(4) / 2.0, "n", rng.nextInt(3), "c", List.of("a", "b").get(rng.nextInt(2))));
        }
        for (int i = 0; i < 300; i++) {
            Map<String, Object> probe = Map.of("x", rng.nextInt(4) / 2.0, "n", (long) rng.nextInt(3), "c", List.of("a", "b").get(rng.nextInt(2)));
            String key = Configurations.key(probe);
            boolean expected = history.stream().anyMatch(c -> Configurations.key(c).equals(key));
            var scanned = Configurations.Seen.of(history);
            var indexed = Configurations.Seen.of(history);
            indexed.contains(Map.of());
            assertThat(scanned.contains(probe)).as(key).isEqualTo(expected);
            assertThat(indexed.contains(probe)).as(key).isEqualTo(expected);
        }
    }
}
