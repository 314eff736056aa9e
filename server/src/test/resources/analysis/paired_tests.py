#!/usr/bin/python3
"""Writes paired_tests.json: reference values of the paired tests, computed by scipy.

Run from this directory with the Debian scipy (apt-get install python3-scipy):
    /usr/bin/python3 paired_tests.py > paired_tests.json

Every case holds two paired samples x and y (x[i] and y[i] are the same fold or seed) and:
  ttest_rel    scipy.stats.ttest_rel(x, y): the paired Student t-test, two-sided.
  wilcoxon     scipy.stats.wilcoxon(x, y, zero_method="wilcox", correction=False) with the
               method Tunelab uses: "exact" when no difference is zero, none of the absolute
               differences tie and n <= 50; "approx" (normal, with the tie correction) otherwise.
               Zero differences are dropped before ranking ("wilcox").
  corrected_t  Nadeau and Bengio's corrected resampled t-test for k-fold cross-validation,
               by formula: t = mean(d) / sqrt((1/n + 1/(k-1)) * var(d, ddof=1)) with n - 1
               degrees of freedom, d = x - y, n the shared folds and k the folds of the CV.
"""
import json
import sys

import numpy as np
import scipy
from scipy import stats


def fixed_cases():
    rng = np.random.RandomState(20240611)
    cases = [
        ("three distinct", [0.91, 0.87, 0.95], [0.89, 0.88, 0.90], 3),
        ("four with one zero", [0.8, 0.7, 0.9, 0.6], [0.8, 0.65, 0.8, 0.4], 4),
        ("five folds of accuracy", [0.962, 0.955, 0.971, 0.948, 0.966], [0.957, 0.951, 0.963, 0.950, 0.960], 5),
        ("five folds, shared of ten", [0.962, 0.955, 0.971, 0.948, 0.966], [0.957, 0.951, 0.963, 0.950, 0.960], 10),
        ("six with tied differences", [3.0, 5.0, 2.5, 4.0, 6.0, 1.0], [2.0, 4.0, 3.5, 2.0, 4.5, 2.0], 6),
        ("eight with zeros and ties", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
         [1.0, 1.5, 3.0, 3.5, 4.0, 6.0, 7.5, 6.5], 8),
        ("ten on a half grid", [2.5, 3.0, 4.5, 1.0, 2.0, 5.5, 3.5, 4.0, 2.5, 3.0],
         [2.0, 3.5, 3.0, 0.5, 2.0, 4.5, 2.5, 4.5, 1.5, 2.0], 10),
    ]
    for n, shift, scale, k in [(7, 0.01, 0.02, 7), (10, 0.0, 0.01, 10), (12, 0.02, 0.03, 12),
                               (15, -0.005, 0.01, 15), (20, 0.3, 0.05, 20), (25, 0.01, 0.05, 25),
                               (30, 0.004, 0.01, 30), (30, 0.05, 0.2, 30)]:
        x = np.round(rng.uniform(0.7, 0.95, n), 4)
        y = np.round(x - shift - rng.normal(0, scale, n), 4)
        cases.append((f"{n} random, shift {shift}", x.tolist(), y.tolist(), k))
    return cases


def wilcoxon_method(d):
    nonzero = np.abs(d[d != 0])
    if len(nonzero) == len(d) and len(np.unique(nonzero)) == len(nonzero) and len(d) <= 50:
        return "exact"
    return "approx"


def case(name, x, y, k):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    d = x - y
    n = len(d)
    t = stats.ttest_rel(x, y)
    method = wilcoxon_method(d)
    w = stats.wilcoxon(x, y, zero_method="wilcox", correction=False, method=method)
    ct = d.mean() / np.sqrt((1.0 / n + 1.0 / (k - 1)) * d.var(ddof=1))
    cp = 2 * stats.t.sf(abs(ct), n - 1)
    return {
        "name": name, "x": x.tolist(), "y": y.tolist(), "folds": k,
        "ttest_rel": {"statistic": float(t.statistic), "p": float(t.pvalue)},
        "wilcoxon": {"method": method, "statistic": float(w.statistic), "p": float(w.pvalue)},
        "corrected_t": {"statistic": float(ct), "p": float(cp)},
    }


def main():
    out = {"scipy": scipy.__version__, "cases": [case(*c) for c in fixed_cases()]}
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
