package io.tunelab.server.strategy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class QuadraticSurrogateTest {
    /** A rotated ellipsoid in 4-D, condition number 100, minimum 0 at {@link #MINIMUM}. */
    private static final double[] MINIMUM = {0.3, 0.7, 0.55, 0.2};

    private static double ellipsoid(double[] x) {
        // A fixed rotation: pairs of coordinates turned by 30 and 60 degrees.
        double[] d = new double[4];
        for (int i = 0; i < 4; i++) {
            d[i] = x[i] - MINIMUM[i];
        }
        double c1 = Math.cos(Math.PI / 6);
        double s1 = Math.sin(Math.PI / 6);
        double c2 = Math.cos(Math.PI / 3);
        double s2 = Math.sin(Math.PI / 3);
        double[] r = {c1 * d[0] - s1 * d[1], s1 * d[0] + c1 * d[1], c2 * d[2] - s2 * d[3], s2 * d[2] + c2 * d[3]};
        double f = 0;
        for (int i = 0; i < 4; i++) {
            f += Math.pow(100, i / 3.0) * r[i] * r[i];
        }
        return f;
    }

    private static List<double[]> uniform(int count, int n, long seed) {
        var rng = new SplittableRandom(seed);
        var points = new ArrayList<double[]>();
        for (int k = 0; k < count; k++) {
            double[] p = new double[n];
            for (int i = 0; i < n; i++) {
                p[i] = rng.nextDouble();
            }
            points.add(p);
        }
        return points;
    }

    @Test
    void theFullModelOfAQuadraticPredictsItExactlyUpToScaleAndFindsItsMinimum() {
        var points = uniform(QuadraticSurrogate.fullNeeds(4), 4, 1);
        double[] values = points.stream().mapToDouble(QuadraticSurrogateTest::ellipsoid).toArray();
        var model = QuadraticSurrogate.fit(points, values);
        assertThat(model.full()).isTrue();
        // The model works on standardised values: prediction = (f - mean) / sd, an increasing map.
        double mean = Arrays.stream(values).average().orElseThrow();
        double sd = Math.sqrt(Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length);
        for (double[] x : uniform(50, 4, 2)) {
            assertThat(model.predict(x)).isCloseTo((ellipsoid(x) - mean) / sd, within(1e-3));
        }
        // Of candidates scattered around the minimum, it picks the one nearest the minimum.
        var candidates = new ArrayList<double[]>();
        candidates.add(MINIMUM.clone());
        var rng = new SplittableRandom(3);
        for (int k = 0; k < 200; k++) {
            double[] c = MINIMUM.clone();
            for (int i = 0; i < 4; i++) {
                c[i] += (0.1 + 0.1 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1);
            }
            candidates.add(c);
        }
        var best = candidates.stream().min((a, b) -> Double.compare(model.predict(a), model.predict(b))).orElseThrow();
        assertThat(best).containsExactly(MINIMUM);
    }

    @Test
    void withFewerPointsItIsDiagonalAndWithTooFewThereIsNone() {
        int n = 4;
        assertThat(QuadraticSurrogate.fullNeeds(n)).isEqualTo(18);
        assertThat(QuadraticSurrogate.diagonalNeeds(n)).isEqualTo(11);
        var few = uniform(QuadraticSurrogate.diagonalNeeds(n) - 1, n, 4);
        assertThat(QuadraticSurrogate.fit(few, few.stream().mapToDouble(QuadraticSurrogateTest::ellipsoid).toArray())).isNull();
        assertThat(QuadraticSurrogate.fit(List.of(), new double[0])).isNull();
        var some = uniform(QuadraticSurrogate.fullNeeds(n) - 1, n, 5);
        var diagonal = QuadraticSurrogate.fit(some, some.stream().mapToDouble(QuadraticSurrogateTest::sphere).toArray());
        assertThat(diagonal.full()).isFalse();
        // A sphere has no cross terms, so the diagonal model knows where it is lowest.
        assertThat(diagonal.predict(new double[] {0.5, 0.5, 0.5, 0.5})).isLessThan(diagonal.predict(new double[] {0.6, 0.5, 0.5, 0.5}));
        assertThat(diagonal.predict(new double[] {0.5, 0.5, 0.5, 0.5})).isLessThan(diagonal.predict(new double[] {0.5, 0.5, 0.4, 0.5}));
    }

    private static double sphere(double[] x) {
        return Arrays.stream(x).map(v -> (v - 0.5) * (v - 0.5)).sum();
    }

    @Test
    void constantValuesGiveAFlatModel() {
        var points = uniform(30, 4, 6);
        double[] values = new double[30];
        Arrays.fill(values, 7.5);
        var model = QuadraticSurrogate.fit(points, values);
        for (double[] x : uniform(10, 4, 7)) {
            assertThat(model.predict(x)).isZero();
        }
    }

    @Test
    void duplicateAndCollinearPointsStillGiveAFiniteModel() {
        // Every point twice, and points on one line: the normal equations are singular without the ridge.
        var points = new ArrayList<double[]>();
        for (double[] p : uniform(12, 4, 8)) {
            points.add(p);
            points.add(p.clone());
        }
        double[] values = points.stream().mapToDouble(QuadraticSurrogateTest::sphere).toArray();
        var model = QuadraticSurrogate.fit(points, values);
        assertThat(model.full()).isTrue();
        var line = new ArrayList<double[]>();
        for (int k = 0; k < 30; k++) {
            double t = k / 29.0;
            line.add(new double[] {t, t, t, t});
        }
        var onLine = QuadraticSurrogate.fit(line, line.stream().mapToDouble(QuadraticSurrogateTest::sphere).toArray());
        var same = new ArrayList<double[]>();
        for (int k = 0; k < 30; k++) {
            same.add(new double[] {0.2, 0.4, 0.6, 0.8});
        }
        double[] ramp = new double[30];
        Arrays.setAll(ramp, k -> k);
        var atOnePoint = QuadraticSurrogate.fit(same, ramp);
        for (double[] x : uniform(10, 4, 9)) {
            assertThat(model.predict(x)).isFinite();
            assertThat(onLine.predict(x)).isFinite();
            assertThat(atOnePoint.predict(x)).isFinite();
        }
        // Along the line it still learned the sphere: lowest near the middle.
        assertThat(onLine.predict(new double[] {0.5, 0.5, 0.5, 0.5})).isLessThan(onLine.predict(new double[] {0.9, 0.9, 0.9, 0.9}));
    }

    @Test
    void badInputsAreRefusedSayingWhatWasWrong() {
        var points = uniform(12, 2, 10);
        assertThatThrownBy(() -> QuadraticSurrogate.fit(points, new double[11])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("12 points but 11 values; one value per point");
        var ragged = new ArrayList<>(points);
        ragged.set(3, new double[] {0.1, 0.2, 0.3});
        assertThatThrownBy(() -> QuadraticSurrogate.fit(ragged, new double[12])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("point 3 has 3 coordinates, point 0 has 2");
        var nan = new ArrayList<>(points);
        nan.set(5, new double[] {0.1, Double.NaN});
        assertThatThrownBy(() -> QuadraticSurrogate.fit(nan, new double[12])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("point 5 has a coordinate NaN; coordinates must be finite");
        double[] values = new double[12];
        values[7] = Double.POSITIVE_INFINITY;
        assertThatThrownBy(() -> QuadraticSurrogate.fit(points, values)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value 7 is Infinity; values must be finite");
        var model = QuadraticSurrogate.fit(points, points.stream().mapToDouble(QuadraticSurrogateTest::sphere).toArray());
        assertThatThrownBy(() -> model.predict(new double[] {0.5})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a point of 1 coordinates for a model of 2");
    }
}
