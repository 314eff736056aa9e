#!/usr/bin/python3
"""Optuna 3.1's fANOVA parameter importance of an exported Tunelab experiment, as JSON.

Reads the experiment's spec (the JSON of GET /api/experiments/{ref}, or of its "spec") and its
trials as `tunelab export NAME --format csv` writes them, rebuilds an Optuna study with the
same distributions (float, int, categorical; log and step as in the spec; a conditional param
only in the trials that set it), and writes Optuna's importances for the first objective:

    {"optuna": "3.1.0", "sklearn": "1.2.1", "objective": "accuracy", "trials": 7,
     "seeds": [0, ..., 9],
     "by_seed": {"0": {"param": importance, ...}, ...},
     "mean": {"param": mean importance over the seeds, ...}}

Each seed is optuna.importance.get_param_importances(study,
evaluator=FanovaImportanceEvaluator(seed=seed)); "mean" averages them so the reference does not
hang on one forest's randomness. Only COMPLETE trials count, as in Optuna.

Given a third file, Tunelab's answer of GET /api/experiments/{ref}/importance, it also writes
"tunelab" (those importances), "spearman_mean" (scipy's Spearman rank correlation of Tunelab's
with "mean"), "spearman_by_seed" (with each seed's) and "spearman_between_seeds" (Optuna's seeds
with each other, every pair: how much Optuna agrees with itself).

Run with the Debian packages (apt-get install python3-optuna python3-sklearn):
    /usr/bin/python3 optuna_importance.py SPEC.json TRIALS.csv [TUNELAB.json] > OUT.json
"""
import csv
import itertools
import json
import sys

import optuna
import sklearn
from scipy.stats import spearmanr
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.importance import FanovaImportanceEvaluator, get_param_importances
from optuna.trial import TrialState, create_trial

SEEDS = list(range(10))


def distributions(space):
    out = {}
    for name, p in space.items():
        kind = p["type"]
        if kind == "float":
            out[name] = FloatDistribution(p["low"], p["high"], log=bool(p.get("log")), step=p.get("step"))
        elif kind == "int":
            out[name] = IntDistribution(p["low"], p["high"], log=bool(p.get("log")), step=p.get("step") or 1)
        elif kind == "categorical":
            out[name] = CategoricalDistribution(p["choices"])
        else:
            raise SystemExit(f"param {name}: unknown type {kind}")
    return out


def value_of(cell, dist):
    if isinstance(dist, CategoricalDistribution):
        for choice in dist.choices:
            if str(choice) == cell or (not isinstance(choice, (str, bool)) and float(choice) == float(cell)):
                return choice
        raise SystemExit(f"{cell} is not one of {dist.choices}")
    if isinstance(dist, IntDistribution):
        return int(float(cell))
    return float(cell)


def spearman(a, b, names):
    return float(spearmanr([a[n] for n in names], [b.get(n, 0.0) for n in names]).correlation)


def main(spec_path, trials_path, tunelab_path=None):
    with open(spec_path) as f:
        spec = json.load(f)
    spec = spec.get("spec", spec)
    objective = spec["objectives"][0] if "objectives" in spec else spec["objective"]
    metric = objective["metric"]
    direction = str(objective.get("direction", "minimize")).lower()
    dists = distributions(spec["space"])
    study = optuna.create_study(direction=direction)
    with open(trials_path, newline="") as f:
        for row in csv.DictReader(f):
            if row["state"] != "COMPLETE" or not row.get("values_" + metric):
                continue
            params = {n: value_of(row["params_" + n], d) for n, d in dists.items() if row.get("params_" + n, "") != ""}
            study.add_trial(create_trial(params=params, distributions={n: dists[n] for n in params},
                                         value=float(row["values_" + metric]), state=TrialState.COMPLETE))
    by_seed = {}
    for seed in SEEDS:
        importances = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=seed))
        by_seed[str(seed)] = {k: float(v) for k, v in importances.items()}
    names = sorted(by_seed[str(SEEDS[0])])
    mean = {n: sum(by_seed[str(s)][n] for s in SEEDS) / len(SEEDS) for n in names}
    out = {"optuna": optuna.__version__, "sklearn": sklearn.__version__, "objective": metric,
           "trials": len(study.trials), "seeds": SEEDS, "by_seed": by_seed, "mean": mean}
    if tunelab_path:
        with open(tunelab_path) as f:
            tunelab = {s["param"]: s["importance"] for s in json.load(f)["params"]}
        out["tunelab"] = tunelab
        out["spearman_mean"] = spearman(mean, tunelab, names)
        out["spearman_by_seed"] = {str(s): spearman(by_seed[str(s)], tunelab, names) for s in SEEDS}
        out["spearman_between_seeds"] = [spearman(by_seed[str(a)], by_seed[str(b)], names)
                                         for a, b in itertools.combinations(SEEDS, 2)]
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        raise SystemExit("usage: optuna_importance.py SPEC.json TRIALS.csv [TUNELAB.json] > OUT.json")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    main(*sys.argv[1:])
