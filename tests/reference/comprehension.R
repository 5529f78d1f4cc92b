# Reference fixtures for evaluation.comprehension (tests/test_comprehension.py).
#
# Run from the repository root:   Rscript tests/reference/comprehension.R
# Needs base R's stats and MASS (recommended package) plus jsonlite.
#
# Input: tests/reference/comprehension_data.csv, made once in Python with
#   rng = numpy.random.default_rng(20261122); n = 240; theta ~ N(0, 1)
#   role = "Chef" with prob 0.5 else "Strateg"
#   q0..q4 = clip(round(3.5 + 0.9 theta + N(0, 0.8)), 1, 6)
#   q3 += 1 for Chef (uniform DIF), clipped to 1..6
#   q0 missing ("don't know") with prob 1 / (1 + exp(1.4 + 1.1 theta))
#   q1, q2, q4 missing completely at random with prob 0.03
#
# Output: tests/reference/comprehension_reference.json with, per item,
#   gradient: glm(missing ~ lower, binomial) where lower = -(rest - mean) / sd_pop,
#             rest = mean of the respondent's answered OTHER items;
#             odds ratio, Wald 95 % CI (confint.default), Wald p
#   dif:      MASS::polr(logistic) log-likelihoods of
#             m0: y ~ 1, m1: y ~ z, m2: y ~ z + role, m3: y ~ z * role
#             on respondents who answered the item, z = standardised rest (sd_pop)
# Tests read these files; they never call R.

suppressPackageStartupMessages({
  library(MASS)
  library(jsonlite)
})

here <- "tests/reference"
d <- read.csv(file.path(here, "comprehension_data.csv"), stringsAsFactors = FALSE)
items <- paste0("q", 0:4)
zpop <- function(x) (x - mean(x)) / sqrt(mean((x - mean(x))^2))

out <- list()
for (it in items) {
  others <- setdiff(items, it)
  rest <- rowMeans(d[, others], na.rm = TRUE)
  ok <- !is.na(rest)
  y <- as.numeric(is.na(d[[it]]))[ok]
  lower <- -zpop(rest[ok])
  res <- list(n = sum(ok), events = sum(y))
  if (sum(y) >= 5) {
    fit <- glm(y ~ lower, family = binomial())
    b <- coef(fit)[["lower"]]
    ci <- confint.default(fit)["lower", ]
    res$odds_ratio <- exp(b)
    res$ci_low <- exp(ci[[1]])
    res$ci_high <- exp(ci[[2]])
    res$p <- summary(fit)$coefficients["lower", "Pr(>|z|)"]
  }
  ok2 <- ok & !is.na(d[[it]])
  yy <- factor(d[[it]][ok2], ordered = TRUE)
  z <- zpop(rest[ok2])
  role <- factor(d$role[ok2])
  m0 <- polr(yy ~ 1, method = "logistic")
  m1 <- polr(yy ~ z, method = "logistic")
  m2 <- polr(yy ~ z + role, method = "logistic")
  m3 <- polr(yy ~ z * role, method = "logistic")
  res$dif <- list(n = sum(ok2), ll0 = as.numeric(logLik(m0)), ll1 = as.numeric(logLik(m1)),
                  ll2 = as.numeric(logLik(m2)), ll3 = as.numeric(logLik(m3)))
  out[[it]] <- res
}
out$R_version <- R.version.string
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
      file.path(here, "comprehension_reference.json"))
cat("wrote", file.path(here, "comprehension_reference.json"), "\n")
