# Reference values for tests/test_effects.py (evaluation.effects).
# Run from the repository root:  Rscript tests/reference/effects.R
# Needs: R >= 4, lme4, sandwich, jsonlite (Debian r-cran-*). MBESS and
# Partiallyoverlapping are not in Debian, so noncentral-t intervals are
# computed with uniroot() on pt(ncp=) and the partially-overlapping t-test
# (Derrick, Toher & White 2017, T_new2) is written out from the published formula.
suppressPackageStartupMessages({library(lme4); library(sandwich); library(jsonlite)})
out_dir <- "tests/reference"
res <- list()

# ---- helpers -------------------------------------------------------------
ncp_ci <- function(t, df, conf = 0.95) {
  a <- 1 - conf
  f <- function(ncp, p) pt(t, df, ncp) - p
  lo <- uniroot(f, c(t - 10, t + 10), p = 1 - a / 2, tol = 1e-13)$root
  hi <- uniroot(f, c(t - 10, t + 10), p = a / 2, tol = 1e-13)$root
  c(lo, hi)
}
hedges_J <- function(df) exp(lgamma(df / 2) - lgamma((df - 1) / 2)) / sqrt(df / 2)
d_av <- function(diff, se, s1, s2, n1, n2, nc, r, conf = 0.95) {
  a <- (s1 + s2) / 2; d <- diff / a
  var_a <- (s1^2 / (2 * (n1 - 1)) + s2^2 / (2 * (n2 - 1)) + 2 * r^2 * s1 * s2 * nc / (2 * n1 * n2)) / 4
  v <- se^2 / a^2 + d^2 * var_a / a^2
  z <- qnorm(0.5 + conf / 2)
  c(d, d - z * sqrt(v), d + z * sqrt(v))
}
pack_t <- function(tt) list(statistic = unname(tt$statistic), df = unname(tt$parameter),
                            pvalue = tt$p.value, ci_low = tt$conf.int[1], ci_high = tt$conf.int[2],
                            diff = unname(if (length(tt$estimate) == 2) tt$estimate[1] - tt$estimate[2] else tt$estimate))

# ---- 1. paired (n = 25, scores on a 0-100 scale, ties present) ----------
set.seed(2026)
n <- 25
pre <- round(rnorm(n, 50, 12), 1)
post <- round(pre + rnorm(n, 4, 8), 1)
paired <- data.frame(id = rep(sprintf("r%02d", 1:n), 2), round = rep(c("pre", "post"), each = n),
                     score = c(pre, post))
write.csv(paired, file.path(out_dir, "effects_paired.csv"), row.names = FALSE)
tt <- t.test(post, pre, paired = TRUE)
D <- post - pre
wt <- suppressWarnings(wilcox.test(post, pre, paired = TRUE, correct = TRUE))
dz <- mean(D) / sd(D); nci <- ncp_ci(unname(tt$statistic), n - 1)
dav <- d_av(mean(D), sd(D) / sqrt(n), sd(pre), sd(post), n, n, n, cor(pre, post))
res$paired <- c(pack_t(tt), list(wilcoxon_p = wt$p.value, d_z = dz, d_z_ci = nci / sqrt(n),
                                 d_av = dav[1], d_av_ci = dav[2:3]))

# ---- 2. paired, small, exact Wilcoxon (no ties, no zeros) ----------------
set.seed(7)
n2 <- 12
pre2 <- round(rnorm(n2, 60, 10), 3); post2 <- round(pre2 + rnorm(n2, 3, 6), 3)
small <- data.frame(id = rep(1:n2, 2), round = rep(c(0, 1), each = n2), score = c(pre2, post2))
write.csv(small, file.path(out_dir, "effects_paired_small.csv"), row.names = FALSE)
tt2 <- t.test(post2, pre2, paired = TRUE)
wt2 <- wilcox.test(post2, pre2, paired = TRUE, exact = TRUE)
res$paired_small <- c(pack_t(tt2), list(wilcoxon_p = wt2$p.value,
                                        d_z_ci = ncp_ci(unname(tt2$statistic), n2 - 1) / sqrt(n2)))

# ---- 3. independent (Welch), unequal sizes and variances -----------------
set.seed(99)
a <- round(rnorm(30, 48, 10), 1); b <- round(rnorm(24, 55, 15), 1)
indep <- data.frame(round = c(rep("fore", 30), rep("efter", 24)), score = c(a, b))
write.csv(indep, file.path(out_dir, "effects_independent.csv"), row.names = FALSE)
tt3 <- t.test(b, a, var.equal = FALSE)
wt3 <- suppressWarnings(wilcox.test(b, a, correct = TRUE))
dfp <- 30 + 24 - 2
sp <- sqrt((29 * var(a) + 23 * var(b)) / dfp)
d <- (mean(b) - mean(a)) / sp; sc <- sqrt(1 / 30 + 1 / 24)
res$independent <- c(pack_t(tt3), list(mann_whitney_p = wt3$p.value, hedges_g = hedges_J(dfp) * d,
                                       d = d, hedges_g_ci = ncp_ci(d / sc, dfp) * sc))

# ---- 4. partially paired: Derrick et al. (2017) T_new2 by hand -----------
set.seed(314)
nc <- 15; na <- 12; nb <- 9
base <- rnorm(nc, 50, 10)
x_pair_pre <- round(base + rnorm(nc, 0, 6), 1); x_pair_post <- round(base + 5 + rnorm(nc, 0, 6), 1)
x_pre_only <- round(rnorm(na, 50, 12), 1); x_post_only <- round(rnorm(nb, 56, 12), 1)
partial <- data.frame(
  id = c(sprintf("p%02d", 1:nc), sprintf("a%02d", 1:na), sprintf("p%02d", 1:nc), sprintf("b%02d", 1:nb)),
  round = c(rep("pre", nc + na), rep("post", nc + nb)),
  score = c(x_pair_pre, x_pre_only, x_pair_post, x_post_only))
write.csv(partial, file.path(out_dir, "effects_partial.csv"), row.names = FALSE)
x1 <- c(x_pair_pre, x_pre_only); x2 <- c(x_pair_post, x_post_only)
n1 <- length(x1); n2p <- length(x2); r <- cor(x_pair_pre, x_pair_post)
s1 <- sd(x1); s2 <- sd(x2)
est <- mean(x2) - mean(x1)
se <- sqrt(s1^2 / n1 + s2^2 / n2p - 2 * r * s1 * s2 * nc / (n1 * n2p))
gam <- (s1^2 / n1 + s2^2 / n2p)^2 / ((s1^2 / n1)^2 / (n1 - 1) + (s2^2 / n2p)^2 / (n2p - 1))
nu <- (nc - 1) + (gam - nc + 1) / (na + nb + 2 * nc) * (na + nb)
tstat <- est / se
dav3 <- d_av(est, se, s1, s2, n1, n2p, nc, r)
res$partial <- list(diff = est, statistic = tstat, df = nu, pvalue = 2 * pt(-abs(tstat), nu),
                    ci_low = est - qt(0.975, nu) * se, ci_high = est + qt(0.975, nu) * se, r = r,
                    d_av = dav3[1], d_av_ci = dav3[2:3])

# ---- 5. difference in differences ----------------------------------------
make_did <- function(seed, G, m, miss = 0.1) {
  set.seed(seed)
  rows <- list()
  for (g in 1:G) {
    treated <- as.integer(g <= G / 2); u <- rnorm(1, 0, 3)
    for (s in 1:m) {
      v <- rnorm(1, 0, 5); sid <- sprintf("c%02ds%02d", g, s)
      for (t in 0:1) {
        if (runif(1) < miss) next
        y <- 50 + u + v + 2 * t + 1 * treated + 4 * t * treated + rnorm(1, 0, 6)
        rows[[length(rows) + 1]] <- data.frame(unit = sprintf("c%02d", g), id = sid,
                                               round = c("pre", "post")[t + 1], took_part = treated, score = y)
      }
    }
  }
  do.call(rbind, rows)
}
did_ref <- function(dd) {
  dd$post <- as.integer(dd$round == "post")
  ctl <- lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5))
  f <- lmer(score ~ post * took_part + (1 | unit) + (1 | id), data = dd, REML = TRUE, control = ctl)
  f1 <- lmer(score ~ post * took_part + (1 | unit), data = dd, REML = TRUE, control = ctl)
  f2 <- lmer(score ~ post * took_part + (1 | id), data = dd, REML = TRUE, control = ctl)
  vc <- as.data.frame(VarCorr(f))
  o <- lm(score ~ post * took_part, data = dd)
  V <- vcovCL(o, cluster = ~unit, type = "HC1")  # CR1: G/(G-1) (N-1)/(N-K)
  G <- length(unique(dd$unit))
  b <- unname(coef(o)["post:took_part"]); s <- sqrt(V["post:took_part", "post:took_part"])
  # CR1 by hand, to show what vcovCL computes
  X <- model.matrix(o); e <- resid(o); N <- nrow(X); K <- ncol(X)
  XtXi <- solve(crossprod(X))
  meat <- Reduce(`+`, lapply(split(seq_len(N), dd$unit), function(i) {
    sg <- crossprod(X[i, , drop = FALSE], e[i]); sg %*% t(sg) }))
  Vh <- G / (G - 1) * (N - 1) / (N - K) * XtXi %*% meat %*% XtXi
  list(n = nrow(dd),
       mixed = list(estimate = unname(fixef(f)["post:took_part"]),
                    se = unname(sqrt(diag(as.matrix(vcov(f))))["post:took_part" == names(fixef(f))]),
                    fixef = unname(fixef(f)), se_all = unname(sqrt(diag(as.matrix(vcov(f))))),
                    var_unit = vc$vcov[vc$grp == "unit"], var_id = vc$vcov[vc$grp == "id"],
                    var_resid = vc$vcov[vc$grp == "Residual"], reml_crit = REMLcrit(f)),
       mixed_unit_only = list(estimate = unname(fixef(f1)[4]), se = unname(sqrt(diag(as.matrix(vcov(f1))))[4])),
       mixed_id_only = list(estimate = unname(fixef(f2)[4]), se = unname(sqrt(diag(as.matrix(vcov(f2))))[4])),
       ols = list(estimate = b, se_cr1 = s, se_cr1_by_hand = sqrt(Vh[4, 4]),
                  pvalue_t_G1 = 2 * pt(-abs(b / s), G - 1),
                  ci_low = b - qt(0.975, G - 1) * s, ci_high = b + qt(0.975, G - 1) * s,
                  se_all = unname(sqrt(diag(V)))))
}
did <- make_did(11, 8, 12)
write.csv(did, file.path(out_dir, "effects_did.csv"), row.names = FALSE)
res$did <- did_ref(did)
did2 <- make_did(12, 20, 8, miss = 0.2)
write.csv(did2, file.path(out_dir, "effects_did_large.csv"), row.names = FALSE)
res$did_large <- did_ref(did2)

# ---- 6. power (base R power.t.test, strict = TRUE counts both tails) -----
pw <- list()
pw$paired_power <- power.t.test(n = 40, delta = 5, sd = 15 * sqrt(2 * (1 - 0.6)), type = "paired",
                                strict = TRUE)$power
pw$paired_mde <- power.t.test(n = 40, sd = 15 * sqrt(2 * (1 - 0.6)), power = 0.8, type = "paired",
                              strict = TRUE, tol = 1e-12)$delta
pw$indep_power <- power.t.test(n = 30, delta = 0.5, sd = 1, strict = TRUE)$power
pw$indep_mde <- power.t.test(n = 30, sd = 1, power = 0.8, strict = TRUE, tol = 1e-12)$delta
# clustered: hand formula, n = 120 per group in clusters of 12, ICC = 0.05,
# effective n = n / (1 + (m - 1) ICC), df = clusters - 2
m <- 12; icc <- 0.05; nn <- 120; de <- 1 + (m - 1) * icc; ne <- nn / de; dfc <- 2 * nn / m - 2
pfun <- function(delta) { ncp <- delta / 15 * sqrt(ne / 2); cr <- qt(0.975, dfc)
  pt(cr, dfc, ncp, lower.tail = FALSE) + pt(-cr, dfc, ncp) }
pw$clustered_power_at_6 <- pfun(6)
pw$clustered_mde <- uniroot(function(x) pfun(x) - 0.8, c(0.01, 50), tol = 1e-12)$root
res$power <- pw

writeLines(toJSON(res, digits = NA, auto_unbox = TRUE, pretty = TRUE), file.path(out_dir, "effects_results.json"))
cat("written", file.path(out_dir, "effects_results.json"), "\n")
