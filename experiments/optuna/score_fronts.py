#!/usr/bin/python3
"""Hypervolumes of Optuna's Pareto fronts beside Tunelab's runs of the same problems and seeds.

Reads the pareto_fronts.csv files quality_shifted.py --multi wrote and the CSV MultiObjectiveDirect
prints (problem,strategy,seed,hv_200,hv_500,...), scores each Optuna front with the reference points
MultiObjectiveDirect uses ((11, 11) for ZDT and UF1, (2, 2, 2) for DTLZ2 and DTLZ4, (1.1, 1.1) for
Fonseca-Fleming; points outside it count for nothing) by Optuna's own exact WFG, and prints per
problem and checkpoint the medians over the seeds both have, how many seeds each Tunelab strategy is
ahead on, the paired Wilcoxon signed-rank p-value, and how many runs stayed below a collapse
threshold (--collapsed problem=value, for DTLZ4's runs that found only one curve of the front):

    /usr/bin/python3 experiments/optuna/score_fronts.py --tunelab results/direct.csv \\
        --collapsed dtlz4=4.0 results/optuna-motpe/pareto_fronts.csv
"""
import argparse
import csv
import statistics
from collections import defaultdict

import numpy as np
from optuna._hypervolume import WFG
from scipy.stats import wilcoxon

REFERENCE = {"zdt1": (11.0, 11.0), "zdt2": (11.0, 11.0), "zdt3": (11.0, 11.0), "uf1": (11.0, 11.0),
             "dtlz2": (2.0, 2.0, 2.0), "dtlz4": (2.0, 2.0, 2.0), "ff": (1.1, 1.1)}


def optuna_hypervolumes(paths):
    fronts = defaultdict(list)
    for path in paths:
        with open(path) as fh:
            for r in csv.DictReader(fh):
                m = len(REFERENCE[r["problem"]])
                fronts[(r["problem"], "optuna " + r["sampler"], int(r["trials"]), int(r["seed"]))].append(
                    [float(r[f"f{k + 1}"]) for k in range(m)])
    out = {}
    for key, points in fronts.items():
        ref = REFERENCE[key[0]]
        inside = [p for p in points if all(v < rv for v, rv in zip(p, ref))]
        out[key] = WFG().compute(np.array(inside), np.array(ref)) if inside else 0.0
    return out


def tunelab_hypervolumes(path):
    out = {}
    with open(path) as fh:
        for r in csv.DictReader(fh):
            for trials in (200, 500):
                v = r.get(f"hv_{trials}")
                if v not in (None, "", "null"):
                    out[(r["problem"], r["strategy"], trials, int(r["seed"]))] = float(v)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("fronts", nargs="+", help="pareto_fronts.csv files of quality_shifted.py --multi")
    ap.add_argument("--tunelab", required=True, help="MultiObjectiveDirect's CSV")
    ap.add_argument("--collapsed", action="append", default=[], help="problem=value: count runs below value")
    args = ap.parse_args()
    collapse = {k: float(v) for k, v in (c.split("=") for c in args.collapsed)}
    hv = optuna_hypervolumes(args.fronts)
    hv.update(tunelab_hypervolumes(args.tunelab))
    anchors = sorted({k[:3] for k in hv if k[1].startswith("optuna ")})
    for problem, anchor, trials in anchors:
        seeds = sorted(k[3] for k in hv if k[:3] == (problem, anchor, trials))
        a = [hv[(problem, anchor, trials, s)] for s in seeds]
        line = f"{problem} after {trials}: {anchor} {statistics.median(a):.4g} ({len(seeds)} seeds {seeds[0]}-{seeds[-1]})"
        if problem in collapse:
            line += f", {sum(v < collapse[problem] for v in a)} below {collapse[problem]}"
        print(line)
        for strategy in sorted({k[1] for k in hv if k[0] == problem and not k[1].startswith("optuna ")}):
            both = [s for s in seeds if (problem, strategy, trials, s) in hv]
            if not both:
                continue
            t = [hv[(problem, strategy, trials, s)] for s in both]
            o = [hv[(problem, anchor, trials, s)] for s in both]
            p = wilcoxon(t, o).pvalue if len(both) > 1 and any(x != y for x, y in zip(t, o)) else float("nan")
            line = (f"    {strategy} {statistics.median(t):.4g} on the same {len(both)} seeds (the anchor {statistics.median(o):.4g}),"
                    f" ahead on {sum(x > y for x, y in zip(t, o))}, paired Wilcoxon p = {p:.2g}")
            if problem in collapse:
                line += f", {sum(v < collapse[problem] for v in t)} below {collapse[problem]}"
            print(line)


if __name__ == "__main__":
    main()
