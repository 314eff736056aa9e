#!/usr/bin/python3
"""Optuna 3.1 on the constrained problems of ConstrainedBenchmark (Java), same functions and seeds.

    /usr/bin/python3 experiments/optuna/quality_constrained.py --seed-start 100 --seeds 20 \
        --samplers tpe,nsga2 --out results/constrained

Each constraint metric c1, c2, ... must stay at most 0; the samplers get them through
constraints_func (Optuna's TPE and NSGA-II take it; its CMA-ES does not). Writes optuna.csv
(problem, sampler, seed, regret_50, regret_100, feasible): the regret of the best feasible trial
after 50 and 100 trials ("inf" while none is feasible) and the feasible trials of 100, the file
ConstrainedBenchmark --optuna reads.
"""
import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse
import csv
import math
import warnings

import optuna

from quality_shifted import branin, hartmann6  # the same functions as the quality benchmark's


def sum_problem(d):
    def f(x):
        return [sum((v - 0.8) ** 2 for v in x), sum(x) - d / 3.0]
    return [(0.0, 1.0)] * d, f, d * (0.8 - 1.0 / 3) ** 2


PROBLEMS = {
    "sum3": sum_problem(3),
    "sum6": sum_problem(6),
    "gramacy": ([(0.0, 1.0), (0.0, 1.0)], lambda x: [
        x[0] + x[1],
        1.5 - x[0] - 2 * x[1] - 0.5 * math.sin(2 * math.pi * (x[0] * x[0] - 2 * x[1])),
        x[0] * x[0] + x[1] * x[1] - 1.5], 0.5997880520094225),
    "branin-disc": ([(-5.0, 10.0), (0.0, 15.0)], lambda x: [
        branin(x), (x[0] - 2.5) ** 2 + (x[1] - 7.5) ** 2 - 50], 0.39788735772973816),
    "g24": ([(0.0, 3.0), (0.0, 4.0)], lambda x: [
        -x[0] - x[1],
        -2 * x[0] ** 4 + 8 * x[0] ** 3 - 8 * x[0] ** 2 + x[1] - 2,
        -4 * x[0] ** 4 + 32 * x[0] ** 3 - 88 * x[0] ** 2 + 96 * x[0] + x[1] - 36], -5.50801327159529),
    "hartmann6-sum": ([(0.0, 1.0)] * 6, lambda x: [hartmann6(x), sum(x) - 1.5], -2.595108293698534),
}


def sampler(name, seed, constraints):
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, constraints_func=constraints)
    if name == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed, constraints_func=constraints)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    raise SystemExit("unknown sampler " + name + "; known: tpe, nsga2, random")


def run(problem, name, seed, budget=100):
    box, f, optimum = PROBLEMS[problem]

    def objective(trial):
        x = [trial.suggest_float("x%d" % i, lo, hi) for i, (lo, hi) in enumerate(box)]
        r = f(x)
        trial.set_user_attr("c", r[1:])
        return r[0]

    study = optuna.create_study(sampler=sampler(name, seed, lambda t: t.user_attrs["c"]))
    best, feasible, regret = math.inf, 0, {}
    for n in range(1, budget + 1):
        study.optimize(objective, n_trials=1)
        t = study.trials[-1]
        if all(c <= 0 for c in t.user_attrs["c"]):
            feasible += 1
            best = min(best, t.value)
        if n in (50, 100):
            regret[n] = best - optimum
    return regret, feasible


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed-start", type=int, default=0)
    p.add_argument("--seeds", type=int, default=20)
    p.add_argument("--samplers", default="tpe,nsga2")
    p.add_argument("--problems", default=",".join(PROBLEMS))
    p.add_argument("--out", default="results/constrained")
    a = p.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore")
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "optuna.csv")
    with open(path, "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(["problem", "sampler", "seed", "regret_50", "regret_100", "feasible"])
        for problem in a.problems.split(","):
            for name in a.samplers.split(","):
                for seed in range(a.seed_start, a.seed_start + a.seeds):
                    regret, feasible = run(problem, name, seed)
                    w.writerow([problem, name, seed, repr(regret[50]), repr(regret[100]), feasible])
                    out.flush()
                print(problem, name, "done", flush=True)
    print("wrote", path)


if __name__ == "__main__":
    main()
