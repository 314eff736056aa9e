#!/usr/bin/python3
"""The anchor beside Tunelab's digits sweep, measured the same way on the same rows.

    /usr/bin/python3 digits_anchor.py --csv worker/src/main/resources/datasets/digits.csv \
        --seed 7 --trials 60 [--test 0.2] [--split-only]

The test split is the one Tunelab's worker holds out for an experiment seed: stratified by class,
each class's rows shuffled by java.util.Random seeded with (seed XOR 0x5DEECE66D*31) through
java.util.Collections.shuffle, the first round(0.2 * n) of each class held out (Splits.test);
this file reimplements those three Java routines so both sides score the same rows
(--split-only prints the test row indices, which a worker test compares with Splits.test).
On the other rows: Optuna 3.1's TPESampler(seed) tunes scikit-learn's MLPClassifier by the mean
accuracy of 3-fold stratified cross-validation (the search space of ../shared/bench/mlp_digits.py:
learning_rate_init log [1e-4, 1e-1], one hidden layer of width [16, 256], alpha log [1e-6, 1e-1],
batch_size {32, 64, 128}; features / 16); the best configuration is then refit on every non-test
row and scored once on the test rows. Prints one JSON line: selection (the best CV mean, the score
that chose it, so optimistic) and test accuracy.
"""
import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse
import csv
import json
import warnings

MASK48 = (1 << 48) - 1
MASK64 = (1 << 64) - 1


class JavaRandom:
    """java.util.Random: the 48-bit linear congruential generator and its nextInt(bound)."""

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & MASK48

    def next_bits(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & MASK48
        return self.seed >> (48 - bits)

    def next_int(self, bound):
        if bound & -bound == bound:
            return (bound * self.next_bits(31)) >> 31
        while True:
            bits = self.next_bits(31)
            val = bits % bound
            if bits - val + (bound - 1) < (1 << 31):
                return val


def java_shuffle(items, rnd):
    """java.util.Collections.shuffle on a random-access list."""
    for i in range(len(items), 1, -1):
        j = rnd.next_int(i)
        items[i - 1], items[j] = items[j], items[i - 1]


def java_round(x):
    """Math.round(double): the closest long, halves up."""
    import math
    return int(math.floor(x + 0.5))


def test_rows(labels, fraction, experiment_seed):
    """Splits.test: the rows of the experiment's held-out test split, sorted."""
    seed = (experiment_seed ^ ((0x5DEECE66D * 31) & MASK64)) & MASK64
    rnd = JavaRandom(seed)
    by_class = {}
    for i, label in enumerate(labels):
        by_class.setdefault(label, []).append(i)
    held_out = []
    for label in sorted(by_class):
        group = by_class[label]
        java_shuffle(group, rnd)
        held = java_round(len(group) * fraction)
        held = min(max(held, 1 if len(group) > 1 else 0), len(group) - 1)
        held_out.extend(group[:held])
    return sorted(held_out)


def read_digits(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    target = header.index("target")
    x = [[float(v) / 16.0 for k, v in enumerate(r) if k != target] for r in body]
    y = [int(float(r[target])) for r in body]
    return x, y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--trials", type=int, default=60)
    ap.add_argument("--test", type=float, default=0.2)
    ap.add_argument("--split-only", action="store_true")
    args = ap.parse_args()
    x, y = read_digits(args.csv)
    test = test_rows(y, args.test, args.seed)
    if args.split_only:
        print(json.dumps({"seed": args.seed, "test_rows": test}))
        return

    import numpy as np
    import optuna
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.neural_network import MLPClassifier

    x, y = np.array(x), np.array(y)
    mask = np.zeros(len(y), dtype=bool)
    mask[test] = True
    x_search, y_search, x_test, y_test = x[~mask], y[~mask], x[mask], y[mask]

    def model(params):
        return MLPClassifier(hidden_layer_sizes=(params["width"],), learning_rate_init=params["learning_rate_init"],
                             alpha=params["alpha"], batch_size=params["batch_size"], random_state=0)

    def objective(trial):
        params = {
            "learning_rate_init": trial.suggest_float("learning_rate_init", 1e-4, 1e-1, log=True),
            "width": trial.suggest_int("width", 16, 256),
            "alpha": trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
            "batch_size": trial.suggest_categorical("batch_size", [32, 64, 128]),
        }
        cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(cross_val_score(model(params), x_search, y_search, cv=cv, n_jobs=1).mean())

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=args.seed))
    study.optimize(objective, n_trials=args.trials)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        refit = model(study.best_params).fit(x_search, y_search)
    print(json.dumps({"seed": args.seed, "trials": args.trials, "search_rows": int((~mask).sum()),
                      "test_rows": int(mask.sum()), "selection": study.best_value,
                      "test": float((refit.predict(x_test) == y_test).mean()), "best": study.best_params}))


if __name__ == "__main__":
    main()
