"""Prints fit times, their ratio and the largest deviation of any estimate: ours vs lme4."""
import json
import sys


def relative(a, b):
    return abs(a - b) / max(abs(b), 1e-12)


ours = {m["name"]: m for m in json.load(open(sys.argv[1]))["models"]}
theirs = {m["name"]: m for m in json.load(open(sys.argv[2]))["models"]} if len(sys.argv) > 2 else {}
for name, m in ours.items():
    line = f"{name}: n={m['n_observations']} ours {m['fit_seconds']:.3f} s ({m['iterations']} iterations)"
    if name in theirs:
        r = theirs[name]
        assert r["n_observations"] == m["n_observations"], "model frames differ"
        fixed = {f["term"]: f for f in m["fixed_effects"]}
        est = max(relative(fixed[f["term"]]["estimate"], f["estimate"]) for f in r["fixed_effects"])
        se = max(relative(fixed[f["term"]]["std_error"], f["std_error"]) for f in r["fixed_effects"])
        var = {v["term"]: v["variance"] for v in m["random_effects"] if "variance" in v}
        vc = max([relative(var[v["term"]], v["variance"]) for v in r["variances"]]
                 + [relative(m["residual_variance"], r["residual_variance"])])
        ll = m["log_likelihood"] - r["log_likelihood"]
        line += (f" | lme4 {r['fit_seconds']:.3f} s | speed-up x{r['fit_seconds'] / m['fit_seconds']:.1f}"
                 f" | max rel. dev. from tightly converged lme4: fixed {est:.1e}, SE {se:.1e}, variances {vc:.1e};"
                 f" logLik ours - lme4 {ll:+.1e} (lme4 default stop: {r['default_log_likelihood'] - r['log_likelihood']:+.1e})")
    print(line)
