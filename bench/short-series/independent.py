#!/usr/bin/env python3
"""An independent generator for the joint estimator: not SessionSimulator, but the random-intercept cross-lagged panel
model (RI-CLPM, Hamaker, Kuiper & Grasman 2015) with its own parameter choices, written from the published design.

Observed  S_it = mu_S(t) + kappa_i + p_it      (symptoms, a linear mean course over sessions)
          A_it = mu_A    + omega_i + q_it      (alliance)
Traits    (kappa_i, omega_i) bivariate normal, SDs 3.5 and 0.5, correlation -0.4.
Within    p_i,t+1 = a_p p_it + b q_it + u_it        (b: the within effect of alliance at t on symptoms at t + 1)
          q_i,t+1 = a_q q_it + g p_it + v_it        (g: feedback of symptoms into later alliance)
          (u, v) normal, SDs 2.5 and 0.35, same-session correlation rho_uv (0.3: the RI-CLPM's within-wave residual covariance)
Start     (p_i1, q_i1) normal, SDs 3 and 0.4, correlation -0.2, independent of the traits.
Series    6, 7 or 8 sessions per patient (uniform), no missing values, values unrounded.

In the regression of S at t + 1 on the raw S and A at t, the coefficient of A is b and that of S is a_p, whatever the
traits: the truth the estimator must recover. Parameters differ from SessionSimulator's on purpose: a_p 0.3 (0.45
there), b -1.5 (-2.0), feedback per symptom point g, alliance persistence a_q 0.5, trait correlation -0.4, and a
same-session innovation correlation (none there).

Usage: independent.py OUT_DIR FEEDBACK [SEEDS] [PATIENTS] [SEED_BASE] [RHO_UV]
       writes OUT_DIR/seed_NNN.csv (patient_id,session,alliance,symptoms) and OUT_DIR/truth.csv (within,carry_over).
"""
import math
import os
import random
import sys

A_P, B, A_Q = 0.3, -1.5, 0.5
SD_KAPPA, SD_OMEGA, R_TRAITS = 3.5, 0.5, -0.4
SD_U, SD_V = 2.5, 0.35
SD_P1, SD_Q1, R_START = 3.0, 0.4, -0.2
MU_A, MU_S0, MU_S_SLOPE = 3.8, 13.0, -0.4


def correlated(rng, sd1, sd2, r):
    z1, z2 = rng.gauss(0, 1), rng.gauss(0, 1)
    return sd1 * z1, sd2 * (r * z1 + math.sqrt(1 - r * r) * z2)


def dataset(seed, patients, g, rho_uv):
    rng = random.Random(seed)
    lines = ["patient_id,session,alliance,symptoms"]
    for i in range(patients):
        kappa, omega = correlated(rng, SD_KAPPA, SD_OMEGA, R_TRAITS)
        p, q = correlated(rng, SD_P1, SD_Q1, R_START)
        sessions = rng.randint(6, 8)
        for t in range(1, sessions + 1):
            s = MU_S0 + MU_S_SLOPE * (t - 1) + kappa + p
            a = MU_A + omega + q
            lines.append(f"Q{i + 1:05d},{t},{a:.6f},{s:.6f}")
            u, v = correlated(rng, SD_U, SD_V, rho_uv)
            p, q = A_P * p + B * q + u, A_Q * q + g * p + v
    return "\n".join(lines) + "\n"


def main():
    out, g = sys.argv[1], float(sys.argv[2])
    seeds = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    patients = int(sys.argv[4]) if len(sys.argv) > 4 else 400
    base = int(sys.argv[5]) if len(sys.argv) > 5 else 50000
    rho_uv = float(sys.argv[6]) if len(sys.argv) > 6 else 0.3
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "truth.csv"), "w") as f:
        f.write(f"within,carry_over\n{B},{A_P}\n")
    for k in range(1, seeds + 1):
        with open(os.path.join(out, f"seed_{k:03d}.csv"), "w") as f:
            f.write(dataset(base + k, patients, g, rho_uv))


if __name__ == "__main__":
    main()
