#!/usr/bin/env python3
"""An outside clinic for the detection benchmark, written from issue 11's description and NOT from SessionSimulator.

Design (chosen here, independently of the C# simulators):
- each patient has 8-20 scheduled sessions, 4% of sessions after the first are missed altogether;
- a latent WAI-SR item mean  y*_t = level + slope * (t - 1) + u_t - dip_t,
  level ~ N(grand_mean, 0.5), slope ~ N(slope_mean, slope_sd) per session (slow individual trends),
  u_t an AR(1) with coefficient phi and stationary SD sigma (the within-patient SD);
- the rating is what 12 items on 1-5 give: the latent mean rounded to 1/12, and clamped to [1, 5] (a ceiling at 5);
- a share of patients has one rupture: a V-shaped dip that starts at session 3 or later, is `depth` within-patient SDs
  deep at its first session (depth uniform on [depth_min, depth_max]) and repairs linearly in 1-3 sessions
  (repair r: dip_k = depth * (1 - k / r) for k = 0..r-1), so the dip lasts r sessions.

Writes the CSV `alliance-monitor ruptures` reads (patient_id,therapist_id,session,alliance,symptoms) and a truth file
(patient_id,session,latent,in_dip,dip_sds): `latent` is E[clamp(level + slope*(t-1) + u)] without the dip, what an
oracle judges a dip against; `in_dip` marks the dip's sessions. Standard library only.
"""
import argparse
import csv
import math
import random


def clamped_normal_mean(mean, sd, low, high):
    """E[clamp(X, low, high)] for X ~ N(mean, sd^2)."""
    def cdf(z):
        return 0.5 * (1 + math.erf(z / math.sqrt(2)))

    def pdf(z):
        return math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)

    a, b = (low - mean) / sd, (high - mean) / sd
    inside = mean * (cdf(b) - cdf(a)) + sd * (pdf(a) - pdf(b))
    return inside + low * cdf(a) + high * (1 - cdf(b))


def simulate(args):
    rng = random.Random(args.seed)
    rows, truth = [], []
    innovation = args.sigma * math.sqrt(1 - args.phi * args.phi)
    for i in range(args.patients):
        pid = "X%05d" % (i + 1)
        therapist = "T%03d" % (i // 20 + 1)
        sessions = rng.randint(8, 20)
        level = rng.gauss(args.grand_mean, 0.5)
        slope = rng.gauss(args.slope_mean, args.slope_sd)
        dip = [0.0] * (sessions + 2)
        if rng.random() < args.rupture_rate and sessions >= 5:
            onset = rng.randint(3, sessions - 1)
            repair = rng.randint(1, 3)
            depth = rng.uniform(args.depth_min, args.depth_max)
            for k in range(repair):
                if onset + k <= sessions:
                    dip[onset + k] = depth * (1 - k / repair)
        u = rng.gauss(0, args.sigma)
        for t in range(1, sessions + 1):
            if t > 1:
                u = args.phi * u + rng.gauss(0, innovation)
            trend_level = level + slope * (t - 1)
            latent = trend_level + u - dip[t] * args.sigma
            rating = min(5.0, max(1.0, round(latent * 12) / 12))
            if t > 1 and rng.random() < 0.04:
                continue
            rows.append((pid, therapist, t, "%.6f" % rating, ""))
            truth.append((pid, t, "%.6f" % clamped_normal_mean(trend_level, args.sigma, 1, 5),
                          1 if dip[t] > 0 else 0, "%.3f" % dip[t]))
    return rows, truth


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--patients", type=int, default=500)
    p.add_argument("--phi", type=float, default=0.3)
    p.add_argument("--sigma", type=float, default=0.25)
    p.add_argument("--grand-mean", type=float, default=4.2)
    p.add_argument("--slope-mean", type=float, default=0.01)
    p.add_argument("--slope-sd", type=float, default=0.02)
    p.add_argument("--rupture-rate", type=float, default=0.3)
    p.add_argument("--depth-min", type=float, default=2.0)
    p.add_argument("--depth-max", type=float, default=4.0)
    p.add_argument("--out", required=True, help="ratings CSV")
    p.add_argument("--truth", required=True, help="truth CSV")
    args = p.parse_args()
    rows, truth = simulate(args)
    with open(args.out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["patient_id", "therapist_id", "session", "alliance", "symptoms"])
        w.writerows(rows)
    with open(args.truth, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["patient_id", "session", "latent", "in_dip", "dip_sds"])
        w.writerows(truth)


if __name__ == "__main__":
    main()
