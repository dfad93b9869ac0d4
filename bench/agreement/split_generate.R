# A therapist-effects generator written independently of SessionSimulator, for the alliance split three ways.
# Usage: Rscript split_generate.R SEED OUT.csv. 40 therapists x 20 patients, 6-14 sessions, no symptom carry-over.
# Truth on the model's own (sample) definitions: therapist part -6, patient part -3, session part -2.
args <- commandArgs(trailingOnly = TRUE); set.seed(as.integer(args[1]))
rows <- list()
for (j in 1:40) {
  tau <- rnorm(1, 0, 0.3)
  for (p in 1:20) {
    k <- sample(6:14, 1)
    a <- 4 + tau + rnorm(1, 0, 0.4) + as.numeric(arima.sim(list(ar = 0.3), k, sd = 0.25 * sqrt(1 - 0.09)))
    rows[[length(rows) + 1]] <- data.frame(patient_id = sprintf("Q%02d%02d", j, p), therapist_id = sprintf("R%02d", j),
      session = seq_len(k), alliance = a, u = 2 * rt(1, 6))
  }
}
d <- do.call(rbind, rows)
A_i <- ave(d$alliance, d$patient_id)
pm <- tapply(d$alliance, d$patient_id, mean); th <- tapply(d$therapist_id, d$patient_id, `[`, 1)
T_j <- tapply(pm, th, mean); Tbar <- mean(T_j)
d$symptoms <- NA_real_
for (id in unique(d$patient_id)) {
  r <- which(d$patient_id == id); j <- d$therapist_id[r[1]]
  s <- numeric(length(r)); s[1] <- 15 + d$u[r[1]] + rnorm(1, 0, 2)
  for (t in seq_along(r)[-1]) s[t] <- 15 + d$u[r[1]] - 0.4 * (t - 1) - 6 * (T_j[[j]] - Tbar) - 3 * (A_i[r[1]] - T_j[[j]]) -
    2 * (d$alliance[r[t - 1]] - A_i[r[1]]) + rnorm(1, 0, 1.8)
  d$symptoms[r] <- s
}
write.csv(d[, c("patient_id", "therapist_id", "session", "alliance", "symptoms")], args[2], row.names = FALSE, quote = FALSE)
