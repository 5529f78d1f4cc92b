# Reference values for evaluation.compare (tests/test_compare.py reads the outputs).
#
# Run from the repository root:  Rscript tests/reference/compare.R
# Writes tests/reference/compare_inputs.csv (the data) and
#        tests/reference/compare_reference.json (the values).
#
# psych::cohen.kappa and psych::ICC are the references for kappa and ICC;
# Fisher-z correlation CIs come from stats::cor.test; Feldt's tests,
# Bland-Altman limits, SEM and SDC are computed here by their formulas
# (psych has no Feldt test and cocron is not packaged in Debian).
suppressPackageStartupMessages({
  library(psych)
  library(jsonlite)
})
set.seed(20251122)
n <- 60

# ---- data -----------------------------------------------------------------
# classifications: 4 levels, agreement above chance
ka <- sample(1:4, n, replace = TRUE, prob = c(.2, .3, .3, .2))
kb <- ifelse(runif(n) < .6, ka, sample(1:4, n, replace = TRUE))
# a category used by one rater only: A never says 5, B says 5 sometimes, A says 4 but B never
oa <- sample(1:4, n, replace = TRUE)
ob <- ifelse(runif(n) < .5, oa, sample(c(1, 2, 3, 5), n, replace = TRUE))
ob[ob == 4] <- 5
# quadrant labels (strings)
quads <- c("beginner", "conservative", "digirati", "fashionista")
qa <- sample(quads, n, replace = TRUE)
qb <- ifelse(runif(n) < .55, qa, sample(quads, n, replace = TRUE))
# scores: two correlated measures, test and retest with a mean shift
t <- rnorm(n, 50, 12)
x1 <- t + rnorm(n, 0, 5)
x2 <- t + 2 + rnorm(n, 0, 5)
y <- 0.6 * (t - 50) / 12 + rnorm(n, 0, 0.8)
inputs <- data.frame(ka, kb, oa, ob, qa, qb, x1, x2, y)
write.csv(inputs, "tests/reference/compare_inputs.csv", row.names = FALSE)

# ---- Cohen's kappa (psych) ------------------------------------------------
lin_w <- function(k) { w <- matrix(0, k, k); 1 - abs(col(w) - row(w)) / (k - 1) }
kap <- list()
add_kappa <- function(case, a, b, weights, alpha = 0.05) {
  levs <- levels(as.factor(c(a, b)))
  if (weights == "linear") {
    r <- cohen.kappa(cbind(a, b), w = lin_w(length(levs)), alpha = alpha)
  } else {
    r <- suppressWarnings(cohen.kappa(cbind(a, b), alpha = alpha))
  }
  row <- if (weights == "none") 1 else 2
  est <- if (weights == "none") r$kappa else r$weighted.kappa
  v <- if (weights == "none") r$var.kappa else r$var.weighted
  kap[[length(kap) + 1]] <<- list(
    case = case, weights = weights, ci = 1 - alpha, kappa = est,
    ci_low = r$confid[row, 1], ci_high = r$confid[row, 3], var = v,
    percent_agreement = 100 * sum(diag(r$agree)), levels = levs,
    confusion = matrix(as.numeric(r$agree * r$n.obs), nrow = length(levs)))
}
for (w in c("none", "quadratic", "linear")) {
  add_kappa("four_levels", ka, kb, w)
  add_kappa("one_rater_only", oa, ob, w)
}
add_kappa("four_levels_90", ka, kb, "none", alpha = 0.10)
add_kappa("quadrants", qa, qb, "none")

# ---- ICC (psych, ANOVA) + SEM / SDC by formula -----------------------------
ic <- psych::ICC(cbind(x1, x2), lmer = FALSE)$results
sdp <- sqrt((var(x1) + var(x2)) / 2)
icc <- list(
  icc2 = ic["Single_random_raters", "ICC"],
  icc2_low = ic["Single_random_raters", "lower bound"],
  icc2_high = ic["Single_random_raters", "upper bound"],
  icc3 = ic["Single_fixed_raters", "ICC"],
  icc3_low = ic["Single_fixed_raters", "lower bound"],
  icc3_high = ic["Single_fixed_raters", "upper bound"],
  sd_pooled = sdp)
icc$sem <- sdp * sqrt(1 - icc$icc2)
icc$sdc <- 1.96 * sqrt(2) * icc$sem

# ---- correlation, Fisher z (cor.test), disattenuated ------------------------
ct <- cor.test(x1, y, conf.level = 0.95)
rel_x1 <- 0.85; rel_y <- 0.7
f <- sqrt(rel_x1 * rel_y)
ct90 <- cor.test(x1, y, conf.level = 0.90)
correlation <- list(r = unname(ct$estimate), ci_low = ct$conf.int[1], ci_high = ct$conf.int[2],
                    ci_low_90 = ct90$conf.int[1], ci_high_90 = ct90$conf.int[2],
                    rel_a = rel_x1, rel_b = rel_y,
                    r_disattenuated = unname(ct$estimate) / f,
                    ci_low_disattenuated = ct$conf.int[1] / f,
                    ci_high_disattenuated = ct$conf.int[2] / f)

# ---- Bland-Altman by formula -------------------------------------------------
d <- x1 - x2; nn <- length(d); m <- mean(d); s <- sd(d); z <- qnorm(0.975); tq <- qt(0.975, nn - 1)
se_loa <- s * sqrt(1 / nn + z^2 / (2 * (nn - 1)))
q_lo <- qt(0.025, nn - 1, ncp = z * sqrt(nn)); q_hi <- qt(0.975, nn - 1, ncp = z * sqrt(nn))
ba <- list(bias = m, sd_diff = s,
           bias_ci = c(m - tq * s / sqrt(nn), m + tq * s / sqrt(nn)),
           loa_low = m - z * s, loa_high = m + z * s,
           approx_loa_low_ci = c(m - z * s - tq * se_loa, m - z * s + tq * se_loa),
           approx_loa_high_ci = c(m + z * s - tq * se_loa, m + z * s + tq * se_loa),
           exact_loa_high_ci = c(m + s * q_lo / sqrt(nn), m + s * q_hi / sqrt(nn)),
           exact_loa_low_ci = c(m - s * q_hi / sqrt(nn), m - s * q_lo / sqrt(nn)))

# ---- Feldt's tests by formula --------------------------------------------------
feldt_ind <- function(a1, a2, n1, n2) {
  w <- (1 - a1) / (1 - a2)
  p <- min(1, 2 * min(pf(w, n1 - 1, n2 - 1), pf(w, n1 - 1, n2 - 1, lower.tail = FALSE)))
  list(alpha_1 = a1, alpha_2 = a2, n_1 = n1, n_2 = n2, statistic = w, p_value = p)
}
feldt_dep <- function(a1, a2, n, r) {
  tt <- (a1 - a2) * sqrt(n - 2) / sqrt(4 * (1 - a1) * (1 - a2) * (1 - r^2))
  list(alpha_1 = a1, alpha_2 = a2, n_1 = n, r = r, statistic = tt,
       p_value = 2 * pt(abs(tt), n - 2, lower.tail = FALSE))
}
# alphas of real item sets for one case (psych::alpha, raw_alpha)
items <- sapply(1:5, function(j) t + rnorm(n, 0, 12))
items2 <- sapply(1:4, function(j) t + rnorm(n, 0, 16))
al1 <- psych::alpha(items, warnings = FALSE, n.iter = 1)$total$raw_alpha
al2 <- psych::alpha(items2, warnings = FALSE)$total$raw_alpha
r12 <- cor(rowSums(items), rowSums(items2))
feldt <- list(
  independent = list(feldt_ind(0.85, 0.75, 100, 120), feldt_ind(0.70, 0.80, 45, 60),
                     feldt_ind(al1, al2, n, n)),
  dependent = list(feldt_dep(0.85, 0.75, 100, 0.6), feldt_dep(0.70, 0.80, 45, 0.3),
                   feldt_dep(al1, al2, n, r12)))

out <- list(r_version = R.version.string, psych_version = as.character(packageVersion("psych")),
            kappa = kap, icc = icc, correlation = correlation, bland_altman = ba, feldt = feldt)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           "tests/reference/compare_reference.json")
cat("wrote tests/reference/compare_inputs.csv and compare_reference.json\n")
