# Fits both lagged models with lme4 (default settings, REML) and prints JSON with the fit time of
# each lmer() call alone (reading and lagging the CSV are not timed). The estimates reported are
# from an untimed refit started at the default fit's optimum with tight tolerances, so the
# deviation printed by compare.py measures our error, not lme4's default stopping rule.
# Usage: Rscript bench/lme4_fit.R data.csv
suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})
script_dir <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(script_dir, "..", "tests", "fixtures", "lme4", "lagged_frame.R"))

path <- commandArgs(trailingOnly = TRUE)[1]
raw <- read.csv(path, colClasses = c(patient_id = "character", therapist_id = "character"), na.strings = "")
lagged <- lagged_frame(raw)

models <- list(
  alliance_to_symptoms = symptoms_next ~ alliance_within + alliance_between + symptoms_within + session +
    (1 + alliance_within | patient_id),
  symptoms_to_alliance = alliance_next ~ symptoms_within + symptoms_between + alliance_within + session +
    (1 + symptoms_within | patient_id))

out <- lapply(names(models), function(name) {
  seconds <- system.time(default_fit <- lmer(models[[name]], data = lagged, REML = TRUE))[["elapsed"]]
  fit <- update(default_fit, start = getME(default_fit, "theta"), control = lmerControl(
    optimizer = "nloptwrap", calc.derivs = FALSE,
    optCtrl = list(xtol_abs = 1e-12, ftol_abs = 1e-12, xtol_rel = 0, ftol_rel = 0, maxeval = 1e5)))
  vc <- as.data.frame(VarCorr(fit))
  list(
    name = name,
    fit_seconds = seconds,
    n_observations = nobs(fit),
    fixed_effects = lapply(seq_along(fixef(fit)), function(i) list(
      term = names(fixef(fit))[i], estimate = unname(fixef(fit)[i]), std_error = sqrt(diag(as.matrix(vcov(fit))))[i])),
    variances = lapply(which(is.na(vc$var2) & vc$grp != "Residual"), function(i) list(term = vc$var1[i], variance = vc$vcov[i])),
    residual_variance = sigma(fit)^2,
    log_likelihood = as.numeric(logLik(fit)),
    default_log_likelihood = as.numeric(logLik(default_fit)))
})
cat(toJSON(list(models = out), auto_unbox = TRUE, digits = NA))
