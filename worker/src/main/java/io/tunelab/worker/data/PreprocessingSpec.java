package io.tunelab.worker.data;

import io.tunelab.api.Options;
import io.tunelab.api.TunelabException;

import java.util.List;
import java.util.Objects;

/**
 * Which preprocessing steps a trial uses, applied in this order: imputation of missing
 * values, outlier handling, the feature selection and extraction steps of {@code features},
 * scaling, and dimensionality reduction. {@code components} is the PCA component count (used
 * only with {@code dimensionality: pca}).
 */
public record PreprocessingSpec(String imputation, String outliers, String scaling, String dimensionality, int components,
                                FeatureSpec features) {
    public static final List<String> IMPUTATIONS = List.of("none", "mean", "median", "most_frequent");
    public static final List<String> OUTLIERS = List.of("none", "clip_iqr", "drop_zscore");
    public static final List<String> SCALINGS = List.of("none", "standard", "minmax", "robust");
    public static final List<String> DIMENSIONALITIES = List.of("none", "pca");

    public PreprocessingSpec {
        check("imputation", imputation, IMPUTATIONS);
        check("outliers", outliers, OUTLIERS);
        check("scaling", scaling, SCALINGS);
        check("dimensionality", dimensionality, DIMENSIONALITIES);
        if (dimensionality.equals("pca") && components < 1) {
            throw TunelabException.invalidSpec("preprocessing.components must be 1 or more for pca, got " + components);
        }
        Objects.requireNonNull(features, "features");
    }

    /** The classic steps without feature selection or extraction. */
    public PreprocessingSpec(String imputation, String outliers, String scaling, String dimensionality, int components) {
        this(imputation, outliers, scaling, dimensionality, components, FeatureSpec.none());
    }

    /** No step at all. */
    public static PreprocessingSpec none() {
        return new PreprocessingSpec("none", "none", "none", "none", 0);
    }

    /** Reads {@code preprocessing: {...}}; absent fields mean no step (scaling defaults to standard). */
    public static PreprocessingSpec parse(Options s) {
        var spec = new PreprocessingSpec(
                s.choice("imputation", "none", IMPUTATIONS),
                s.choice("outliers", "none", OUTLIERS),
                s.choice("scaling", "standard", SCALINGS),
                s.choice("dimensionality", "none", DIMENSIONALITIES),
                s.integer("components", 0, 0, 100_000),
                FeatureSpec.parse(s));
        s.done();
        return spec;
    }

    static void check(String field, String value, List<String> options) {
        if (!options.contains(value)) {
            throw TunelabException.invalidSpec("preprocessing." + field + ": \"" + value + "\" is not an option; options: "
                    + String.join(", ", options));
        }
    }
}
