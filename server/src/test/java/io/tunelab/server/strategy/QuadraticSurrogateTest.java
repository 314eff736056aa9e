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

    /** Styblinski–Tang on [-5, 5]ⁿ mapped onto the unit cube: separable, of degree 4, 2ⁿ basins. */
    private static double styblinski(double[] u) {
        double f = 0;
        for (double v : u) {
            double x = -5 + 10 * v;
            f += (x * x * x * x - 16 * x * x + 5 * x) / 2;
        }
        return f;
    }

    /** Its minimiser in each coordinate of the unit cube: x = -2.903534 on [-5, 5]. */
    private static final double STYBLINSKI_MINIMUM = (5 - 2.903534) / 10;

    @Test
    void theAdditiveFormOfASeparableQuarticPredictsItAndFindsItsMinimiser() {
        int n = 3;
        assertThat(QuadraticSurrogate.Form.ADDITIVE.coefficients(n)).isEqualTo(13);
        assertThat(QuadraticSurrogate.Form.ADDITIVE.needs(n)).isEqualTo(16);
        var points = uniform(40, n, 11);
        double[] values = points.stream().mapToDouble(QuadraticSurrogateTest::styblinski).toArray();
        var model = QuadraticSurrogate.fitChosen(points, values);
        assertThat(model.form()).isEqualTo(QuadraticSurrogate.Form.ADDITIVE);
        double mean = Arrays.stream(values).average().orElseThrow();
        double sd = Math.sqrt(Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length);
        for (double[] x : uniform(50, n, 12)) {
            // Up to the small ridge penalty: within 0.1 % of the values' spread.
            assertThat(model.predict(x)).isCloseTo((styblinski(x) - mean) / sd, within(1e-3));
        }
        // Additive: each coordinate's minimiser apart, on a grid of step 1e-4, is Styblinski–Tang's
        // (0.0002 apart: 0.002 on [-5, 5]).
        for (int i = 0; i < n; i++) {
            double[] x = {0.5, 0.5, 0.5};
            double best = Double.POSITIVE_INFINITY;
            double arg = -1;
            for (int k = 0; k <= 10_000; k++) {
                x[i] = k / 10_000.0;
                double p = model.predict(x);
                if (p < best) {
                    best = p;
                    arg = x[i];
                }
            }
            assertThat(arg).as("coordinate %d", i).isCloseTo(STYBLINSKI_MINIMUM, within(2e-4));
        }
        // The quadratic alone cannot: on the same points its lowest point is the other basin's side or the middle.
        var quadratic = QuadraticSurrogate.fit(points, values);
        assertThat(quadratic.full()).isTrue();
        assertThat(quadratic.predict(new double[] {0.5, 0.5, 0.5}))
                .isLessThan(quadratic.predict(new double[] {STYBLINSKI_MINIMUM, STYBLINSKI_MINIMUM, STYBLINSKI_MINIMUM}));
    }

    @Test
    void leaveOneOutErrorChoosesTheFullQuadraticOnARotatedOneAndTheAdditiveFormOnASeparableQuartic() {
        int n = 4;
        var points = uniform(40, n, 13);
        assertThat(points.size()).isGreaterThanOrEqualTo(QuadraticSurrogate.Form.ADDITIVE.needs(n))
                .isGreaterThanOrEqualTo(QuadraticSurrogate.fullNeeds(n));
        double[] onEllipsoid = points.stream().mapToDouble(QuadraticSurrogateTest::ellipsoid).toArray();
        double[] onQuartic = points.stream().mapToDouble(QuadraticSurrogateTest::styblinski).toArray();
        var rotated = QuadraticSurrogate.fitChosen(points, onEllipsoid);
        assertThat(rotated.form()).isEqualTo(QuadraticSurrogate.Form.FULL);
        var quartic = QuadraticSurrogate.fitChosen(points, onQuartic);
        assertThat(quartic.form()).isEqualTo(QuadraticSurrogate.Form.ADDITIVE);
        // Each is the exact form of its landscape: the others' errors are a hundred times larger.
        assertThat(rotated.press() * 100).isLessThan(QuadraticSurrogate.fit(points, onEllipsoid, QuadraticSurrogate.Form.ADDITIVE).press());
        assertThat(quartic.press() * 100).isLessThan(QuadraticSurrogate.fit(points, onQuartic, QuadraticSurrogate.Form.FULL).press());
        // With too few points for the full or the additive form only the diagonal one is left.
        var few = uniform(QuadraticSurrogate.diagonalNeeds(n), n, 14);
        var diagonal = QuadraticSurrogate.fitChosen(few, few.stream().mapToDouble(QuadraticSurrogateTest::ellipsoid).toArray());
        assertThat(diagonal.form()).isEqualTo(QuadraticSurrogate.Form.DIAGONAL);
        assertThat(diagonal.press()).isPositive();
        // A sphere with noise: the chosen form is the one of the three with the lowest error.
        var rng = new SplittableRandom(15);
        double[] noisy = points.stream().mapToDouble(x -> sphere(x) + 0.05 * rng.nextGaussian()).toArray();
        var chosen = QuadraticSurrogate.fitChosen(points, noisy);
        var errors = new ArrayList<Double>();
        for (var form : QuadraticSurrogate.Form.values()) {
            var model = QuadraticSurrogate.fit(points, noisy, form);
            assertThat(model.form()).isEqualTo(form);
            assertThat(model.press()).isPositive().isFinite();
            errors.add(model.press());
        }
        assertThat(chosen.press()).isEqualTo(errors.stream().min(Double::compare).orElseThrow());
        assertThat(QuadraticSurrogate.fit(few, new double[few.size()], QuadraticSurrogate.Form.FULL)).isNull();
    }

    @Test
    void theChoiceIsAsSafeWithDegenerateInputs() {
        assertThat(QuadraticSurrogate.fitChosen(List.of(), new double[0])).isNull();
        var few = uniform(QuadraticSurrogate.diagonalNeeds(4) - 1, 4, 16);
        assertThat(QuadraticSurrogate.fitChosen(few, new double[few.size()])).isNull();
        assertThat(QuadraticSurrogate.fitChosen(List.of(new double[0], new double[0]), new double[2])).isNull();
        // Constant values: every form is flat, the simplest is kept.
        var points = uniform(40, 4, 17);
        double[] constant = new double[40];
        Arrays.fill(constant, -3);
        var flat = QuadraticSurrogate.fitChosen(points, constant);
        assertThat(flat.form()).isEqualTo(QuadraticSurrogate.Form.DIAGONAL);
        assertThat(flat.predict(new double[] {0.1, 0.9, 0.4, 0.6})).isZero();
        // Every point twice, points on a line, one point repeated: finite models and finite choices.
        var twice = new ArrayList<double[]>();
        for (double[] p : uniform(20, 4, 18)) {
            twice.add(p);
            twice.add(p.clone());
        }
        var line = new ArrayList<double[]>();
        var same = new ArrayList<double[]>();
        for (int k = 0; k < 40; k++) {
            double t = k / 39.0;
            line.add(new double[] {t, t, t, t});
            same.add(new double[] {0.2, 0.4, 0.6, 0.8});
        }
        double[] ramp = new double[40];
        Arrays.setAll(ramp, k -> k);
        for (var model : List.of(
                QuadraticSurrogate.fitChosen(twice, twice.stream().mapToDouble(QuadraticSurrogateTest::styblinski).toArray()),
                QuadraticSurrogate.fitChosen(line, line.stream().mapToDouble(QuadraticSurrogateTest::sphere).toArray()),
                QuadraticSurrogate.fitChosen(same, ramp))) {
            assertThat(model).isNotNull();
            for (double[] x : uniform(10, 4, 19)) {
                assertThat(model.predict(x)).isFinite();
            }
        }
        // The same inputs are refused as by fit, with the same messages.
        var two = uniform(12, 2, 10);
        assertThatThrownBy(() -> QuadraticSurrogate.fitChosen(two, new double[11])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("12 points but 11 values; one value per point");
        double[] values = new double[12];
        values[2] = Double.NaN;
        assertThatThrownBy(() -> QuadraticSurrogate.fitChosen(two, values)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value 2 is NaN; values must be finite");
        // Fitted in order: the same points and values give the same model.
        double[] sty = points.stream().mapToDouble(QuadraticSurrogateTest::styblinski).toArray();
        double[] x = {0.3, 0.3, 0.7, 0.1};
        assertThat(QuadraticSurrogate.fitChosen(points, sty).predict(x)).isEqualTo(QuadraticSurrogate.fitChosen(points, sty).predict(x));
    }

    @Test
    void aboveTwentyDimensionsOnlyTheDiagonalFormIsFitted() {
        assertThat(QuadraticSurrogate.Form.ADDITIVE.needs(21)).isEqualTo(Integer.MAX_VALUE);
        assertThat(QuadraticSurrogate.Form.ADDITIVE.needs(20)).isEqualTo(98);
        assertThat(QuadraticSurrogate.maxPointsChosen(21)).isEqualTo(QuadraticSurrogate.maxPoints(21));
        assertThat(QuadraticSurrogate.maxPointsChosen(10)).isEqualTo(2 * 66);
        assertThat(QuadraticSurrogate.maxPointsChosen(4)).isEqualTo(2 * 17);
        var points = uniform(120, 21, 20);
        var model = QuadraticSurrogate.fitChosen(points, points.stream().mapToDouble(QuadraticSurrogateTest::styblinski).toArray());
        assertThat(model.form()).isEqualTo(QuadraticSurrogate.Form.DIAGONAL);
    }

    @Test
    void additiveEarlyLetsTheAdditiveFormCompeteOnlyUntilTheFullQuadraticHasItsPoints() {
        int n = 10;
        assertThat(QuadraticSurrogate.diagonalNeeds(n)).isEqualTo(26);
        assertThat(QuadraticSurrogate.Form.ADDITIVE.needs(n)).isEqualTo(50);
        assertThat(QuadraticSurrogate.fullNeeds(n)).isEqualTo(80);
        var points = uniform(QuadraticSurrogate.maxPoints(n), n, 21);
        double[] values = points.stream().mapToDouble(QuadraticSurrogateTest::styblinski).toArray();
        var probes = uniform(20, n, 22);
        // One point short of the full quadratic: the additive quartic, Styblinski–Tang's exact form,
        // where preselect: quadratic fits the diagonal quadratic.
        var early = QuadraticSurrogate.fitAdditiveEarly(points.subList(0, 79), Arrays.copyOf(values, 79));
        assertThat(early.form()).isEqualTo(QuadraticSurrogate.Form.ADDITIVE);
        assertThat(QuadraticSurrogate.fit(points.subList(0, 79), Arrays.copyOf(values, 79)).form())
                .isEqualTo(QuadraticSurrogate.Form.DIAGONAL);
        // From the full quadratic's points on: quadratic's model to the bit, though the additive
        // form still has the lower leave-one-out error (and preselect: quadratic_or_additive keeps it).
        for (int m : new int[] {80, 100, points.size()}) {
            var sub = points.subList(0, m);
            double[] v = Arrays.copyOf(values, m);
            var late = QuadraticSurrogate.fitAdditiveEarly(sub, v);
            var quadratic = QuadraticSurrogate.fit(sub, v);
            assertThat(late.form()).as("%d points", m).isEqualTo(QuadraticSurrogate.Form.FULL);
            assertThat(QuadraticSurrogate.fitChosen(sub, v).form()).as("%d points", m).isEqualTo(QuadraticSurrogate.Form.ADDITIVE);
            for (double[] x : probes) {
                assertThat(late.predict(x)).isEqualTo(quadratic.predict(x));
            }
        }
        // Below the additive form's points only the diagonal one: quadratic's model.
        var few = points.subList(0, 49);
        var diagonal = QuadraticSurrogate.fitAdditiveEarly(few, Arrays.copyOf(values, 49));
        assertThat(diagonal.form()).isEqualTo(QuadraticSurrogate.Form.DIAGONAL);
        for (double[] x : probes) {
            assertThat(diagonal.predict(x)).isEqualTo(QuadraticSurrogate.fit(few, Arrays.copyOf(values, 49)).predict(x));
        }
        // Between the two thresholds on a noisy sphere: whichever of the two has the lower error.
        var rng = new SplittableRandom(23);
        var between = points.subList(0, 65);
        double[] noisy = between.stream().mapToDouble(x -> sphere(x) + 0.05 * rng.nextGaussian()).toArray();
        double lower = Math.min(QuadraticSurrogate.fit(between, noisy, QuadraticSurrogate.Form.DIAGONAL).press(),
                QuadraticSurrogate.fit(between, noisy, QuadraticSurrogate.Form.ADDITIVE).press());
        assertThat(QuadraticSurrogate.fitAdditiveEarly(between, noisy).press()).isEqualTo(lower);
    }

    @Test
    void additiveEarlyIsTheQuadraticBelowFiveDimensionsAndAsSafeWithBadInputs() {
        // In 3-D the additive form needs 16 points, the full quadratic 12: the additive never competes.
        var points = uniform(30, 3, 24);
        double[] values = points.stream().mapToDouble(QuadraticSurrogateTest::styblinski).toArray();
        for (int m : new int[] {9, 11, 12, 16, 30}) {
            var early = QuadraticSurrogate.fitAdditiveEarly(points.subList(0, m), Arrays.copyOf(values, m));
            var quadratic = QuadraticSurrogate.fit(points.subList(0, m), Arrays.copyOf(values, m));
            assertThat(early.form()).as("%d points", m).isEqualTo(quadratic.form());
            assertThat(early.predict(new double[] {0.2, 0.5, 0.9})).isEqualTo(quadratic.predict(new double[] {0.2, 0.5, 0.9}));
        }
        assertThat(QuadraticSurrogate.fitAdditiveEarly(List.of(), new double[0])).isNull();
        assertThat(QuadraticSurrogate.fitAdditiveEarly(points.subList(0, 8), Arrays.copyOf(values, 8))).isNull();
        assertThatThrownBy(() -> QuadraticSurrogate.fitAdditiveEarly(points, new double[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("30 points but 2 values; one value per point");
        double[] withNaN = values.clone();
        withNaN[3] = Double.NaN;
        assertThatThrownBy(() -> QuadraticSurrogate.fitAdditiveEarly(points, withNaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("value 3 is NaN; values must be finite");
    }

    /** Rosenbrock on [-5, 10]ⁿ mapped onto the unit cube: a quartic term in each coordinate, cross terms x<sub>i+1</sub>x<sub>i</sub>² between neighbours. */
    private static double rosenbrock(double[] u) {
        double f = 0;
        for (int i = 0; i + 1 < u.length; i++) {
            double x = -5 + 15 * u[i];
            double y = -5 + 15 * u[i + 1];
            f += 100 * (y - x * x) * (y - x * x) + (1 - x) * (1 - x);
        }
        return f;
    }

    /** Rastrigin on [-5.12, 5.12]ⁿ mapped onto the unit cube: separable, of cosine-shaped basins no quartic describes. */
    private static double rastrigin(double[] u) {
        double f = 10 * u.length;
        for (double v : u) {
            double x = -5.12 + 10.24 * v;
            f += x * x - 10 * Math.cos(2 * Math.PI * x);
        }
        return f;
    }

    /** An ellipsoid of condition number 10⁴ in any dimension, each coordinate turned by 45 degrees with the next. */
    private static double rotated(double[] u) {
        int n = u.length;
        double f = 0;
        for (int i = 0; i < n; i++) {
            double r = (u[i] - 0.4 + u[(i + 1) % n] - 0.6) / Math.sqrt(2);
            f += Math.pow(1e4, i / (n - 1.0)) * r * r;
        }
        return f;
    }

    @Test
    void additiveIfSeparableTakesTheAdditiveFormOnlyWhereItPredictsTheLeftOutPointsNearlyExactly() {
        int n = 10;
        var points = uniform(QuadraticSurrogate.maxPoints(n), n, 25);
        var probes = uniform(20, n, 26);
        // Styblinski–Tang, the quartic's exact form: the additive model from its 50 points on,
        // where preselect: quadratic fits the diagonal quadratic (below 80 points) or the full one.
        double[] onQuartic = points.stream().mapToDouble(QuadraticSurrogateTest::styblinski).toArray();
        for (int m : new int[] {50, 79, 80, points.size()}) {
            var model = QuadraticSurrogate.fitIfSeparable(points.subList(0, m), Arrays.copyOf(onQuartic, m));
            assertThat(model.form()).as("%d points", m).isEqualTo(QuadraticSurrogate.Form.ADDITIVE);
            assertThat(model.press()).as("%d points", m).isLessThanOrEqualTo(QuadraticSurrogate.SEPARABLE_ERROR * m);
        }
        // Cross terms (Rosenbrock's valley, a rotated bowl), cosine-shaped basins (Rastrigin) and a
        // bowl the quadratic fits as exactly as the quartic (the sphere): quadratic's model to the bit.
        for (var f : List.<java.util.function.ToDoubleFunction<double[]>>of(QuadraticSurrogateTest::rosenbrock,
                QuadraticSurrogateTest::rotated, QuadraticSurrogateTest::rastrigin, QuadraticSurrogateTest::sphere)) {
            double[] values = points.stream().mapToDouble(f).toArray();
            for (int m : new int[] {26, 49, 50, 79, 80, points.size()}) {
                var sub = points.subList(0, m);
                double[] v = Arrays.copyOf(values, m);
                var model = QuadraticSurrogate.fitIfSeparable(sub, v);
                var quadratic = QuadraticSurrogate.fit(sub, v);
                assertThat(model.form()).as("%d points", m).isEqualTo(quadratic.form());
                for (double[] x : probes) {
                    assertThat(model.predict(x)).isEqualTo(quadratic.predict(x));
                }
            }
        }
        // The sphere is fitted exactly by both forms: the margin over the quadratic keeps the quadratic.
        double[] onSphere = points.stream().mapToDouble(QuadraticSurrogateTest::sphere).toArray();
        assertThat(QuadraticSurrogate.fit(points, onSphere, QuadraticSurrogate.Form.ADDITIVE).press())
                .isLessThanOrEqualTo(QuadraticSurrogate.SEPARABLE_ERROR * points.size());
        // Too few points for even the diagonal quadratic: no model.
        var few = points.subList(0, QuadraticSurrogate.diagonalNeeds(n) - 1);
        assertThat(QuadraticSurrogate.fitIfSeparable(few, Arrays.copyOf(onQuartic, few.size()))).isNull();
    }

    @Test
    void additiveIfSeparableIsAsSafeWithDegenerateAndBadInputs() {
        assertThat(QuadraticSurrogate.fitIfSeparable(List.of(), new double[0])).isNull();
        // Constant values: both forms are flat and exact, so the quadratic is kept.
        var points = uniform(60, 10, 27);
        double[] constant = new double[60];
        Arrays.fill(constant, 2.5);
        var flat = QuadraticSurrogate.fitIfSeparable(points, constant);
        assertThat(flat.form()).isEqualTo(QuadraticSurrogate.Form.DIAGONAL);
        assertThat(flat.predict(points.getFirst())).isZero();
        // Every point twice: leverage 1/2 at most, a finite model.
        var twice = new ArrayList<double[]>();
        for (double[] p : uniform(30, 10, 28)) {
            twice.add(p);
            twice.add(p.clone());
        }
        var model = QuadraticSurrogate.fitIfSeparable(twice, twice.stream().mapToDouble(QuadraticSurrogateTest::styblinski).toArray());
        assertThat(model.predict(points.getFirst())).isFinite();
        assertThatThrownBy(() -> QuadraticSurrogate.fitIfSeparable(points, new double[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("60 points but 3 values; one value per point");
        double[] withInfinity = constant.clone();
        withInfinity[5] = Double.POSITIVE_INFINITY;
        assertThatThrownBy(() -> QuadraticSurrogate.fitIfSeparable(points, withInfinity))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("value 5 is Infinity; values must be finite");
    }

    @Test
    void predictValueIsOnTheScaleOfTheValuesAndPredictOnTheStandardisedOne() {
        var points = uniform(60, 4, 11);
        double[] values = points.stream().mapToDouble(x -> 1000 + 50 * ellipsoid(x)).toArray();
        var model = QuadraticSurrogate.fit(points, values);
        double[] x = {0.4, 0.6, 0.5, 0.3};
        assertThat(model.predictValue(x)).isCloseTo(1000 + 50 * ellipsoid(x), within(0.05));
        double mean = Arrays.stream(values).average().orElseThrow();
        assertThat(model.predict(x)).isLessThan(0).isGreaterThan(-10);
        assertThat(model.predictValue(x)).isLessThan(mean);
    }
}
