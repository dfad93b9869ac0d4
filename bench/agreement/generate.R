# An agreement data generator written independently of SessionSimulator (issue 17: recovery must not rest on our own
# simulator alone). Usage: Rscript generate.R SEED PATIENTS OUT.csv
# Truth, on the agreement model's own centring (each patient's mean of (client + therapist) / 2 over their sessions):
#   b1 = -2 (client), b2 = -1 (therapist), b3 = 1.5, b4 = -3, b5 = 1.5  =>  a1 = -3, a2 = 0, a3 = -1, a4 = 6.
# Differences from SessionSimulator on purpose: gamma-distributed session counts, a t(5) patient intercept, Laplace-like
# therapist noise, symptoms carried over at 0.3, continuous ratings (no 1/12 steps, no ceiling), no rupture dips.
args <- commandArgs(trailingOnly = TRUE)
set.seed(as.integer(args[1])); n <- as.integer(args[2])
rows <- vector("list", n)
for (i in seq_len(n)) {
  k <- min(20, 5 + round(rgamma(1, shape = 2, scale = 2)))
  client_level <- rnorm(1, 4.0, 0.5)
  therapist_level <- 3.9 + 0.4 * (client_level - 4.0) + rnorm(1, 0, 0.35)
  e <- numeric(k); e[1] <- rnorm(1, 0, 0.3)
  for (t in seq_len(k)[-1]) e[t] <- 0.25 * e[t - 1] + rnorm(1, 0, 0.3 * sqrt(1 - 0.25^2))
  client <- client_level + e
  therapist <- therapist_level + 0.4 * e + (rexp(k, 1 / 0.15) - rexp(k, 1 / 0.15))
  centre <- mean((client + therapist) / 2)
  X <- client - centre; Y <- therapist - centre
  surface <- -2 * X - 1 * Y + 1.5 * X^2 - 3 * X * Y + 1.5 * Y^2
  u <- 2 * rt(1, df = 5); slope <- -0.4
  s <- numeric(k); s[1] <- 16 + u + rnorm(1, 0, 2)
  for (t in seq_len(k)[-1]) s[t] <- 0.7 * (16 + u + slope * (t - 1)) + 0.3 * s[t - 1] + surface[t - 1] + rnorm(1, 0, 1.8)
  rows[[i]] <- data.frame(patient_id = sprintf("Q%05d", i), therapist_id = sprintf("R%03d", (i - 1) %/% 20 + 1),
    session = seq_len(k), alliance = client, symptoms = s, therapist_alliance = therapist)
}
write.csv(do.call(rbind, rows), args[3], row.names = FALSE, quote = FALSE)
