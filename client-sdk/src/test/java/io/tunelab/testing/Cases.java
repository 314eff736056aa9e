package io.tunelab.testing;

import org.junit.jupiter.params.provider.Arguments;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Cases for property tests, run as JUnit 5 parameterized tests: a fixed number of argument sets
 * drawn from a fixed seed, so every run checks the same cases and a failing case is shown with
 * its arguments and can be rerun alone.
 *
 * <p>Each draw is either uniform over its range or one of the range's edges (its bounds, the
 * values next to them, and 0, 1 and -1 where they lie inside). In the first tenth of the cases
 * every draw is an edge, so that combinations of edges are always tried; after that one draw in
 * twenty is. Use it from a {@code @MethodSource}:
 * <pre>{@code
 * static Stream<Arguments> ranges() {
 *     return Cases.of(1000, draw -> Arguments.of(draw.intIn(-1000, 1000), draw.doubleIn(0, 1)));
 * }
 * }</pre>
 */
public final class Cases {
    /** The seed of every case stream: fixed, so a run is reproducible. */
    public static final long SEED = 0x7E57_CA5EL;

    private Cases() {
    }

    /** {@code count} argument sets, each made by {@code make} from its own seeded draw. */
    public static Stream<Arguments> of(int count, Function<Draw, Arguments> make) {
        var root = new SplittableRandom(SEED);
        int edgesOnly = Math.max(1, count / 10);
        // Split eagerly and in order, so case i is the same however the stream is consumed.
        var draws = IntStream.range(0, count).mapToObj(i -> new Draw(root.split(), i < edgesOnly)).toList();
        return draws.stream().map(make);
    }

    /** The values of one case, drawn in the order the test asks for them. */
    public static final class Draw {
        private final SplittableRandom rng;
        private final boolean edgesOnly;

        Draw(SplittableRandom rng, boolean edgesOnly) {
            this.rng = rng;
            this.edgesOnly = edgesOnly;
        }

        private boolean edge() {
            return edgesOnly || rng.nextInt(20) == 0;
        }

        private <T> T anyOf(LinkedHashSet<T> edges) {
            return new ArrayList<>(edges).get(rng.nextInt(edges.size()));
        }

        /** An int from {@code min} to {@code max}, both included. */
        public int intIn(int min, int max) {
            if (min > max) {
                throw new IllegalArgumentException("min (" + min + ") must not exceed max (" + max + ")");
            }
            if (!edge()) {
                return (int) rng.nextLong(min, (long) max + 1);
            }
            var edges = new LinkedHashSet<Integer>();
            for (long e : new long[]{min, max, (long) min + 1, (long) max - 1, 0, 1, -1}) {
                if (e >= min && e <= max) {
                    edges.add((int) e);
                }
            }
            return anyOf(edges);
        }

        /** A finite double from {@code min} to {@code max}, both included. */
        public double doubleIn(double min, double max) {
            return doubleIn(min, max, true);
        }

        /** A finite double from {@code min} included to {@code max} excluded. */
        public double doubleBelow(double min, double max) {
            return doubleIn(min, max, false);
        }

        private double doubleIn(double min, double max, boolean maxIncluded) {
            if (!(min < max) || !Double.isFinite(min) || !Double.isFinite(max)) {
                throw new IllegalArgumentException("need finite min < max, got " + min + " and " + max);
            }
            double top = maxIncluded ? max : Math.nextDown(max);
            if (!edge()) {
                return Math.min(top, rng.nextDouble(min, max));
            }
            var edges = new LinkedHashSet<Double>();
            for (double e : new double[]{min, top, Math.nextUp(min), Math.nextDown(top), 0.0, 1.0, -1.0}) {
                if (e >= min && e <= top) {
                    edges.add(e);
                }
            }
            return anyOf(edges);
        }

        public boolean bool() {
            return rng.nextBoolean();
        }

        /** A list of {@code minSize} to {@code maxSize} elements; its size too is drawn with edges. */
        public <T> List<T> listOf(int minSize, int maxSize, Supplier<T> element) {
            int size = intIn(minSize, maxSize);
            var list = new ArrayList<T>(size);
            for (int i = 0; i < size; i++) {
                list.add(element.get());
            }
            return list;
        }
    }
}
