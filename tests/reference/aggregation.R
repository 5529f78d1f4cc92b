# Reference fixtures for evaluation.stats.aggregation (tests/stats/test_aggregation.py).
#
# Run from the repository root:   Rscript tests/reference/aggregation.R
# Debian packages: r-cran-multilevel (2.7), r-cran-lme4 (1.1-31), r-cran-jsonlite.
# Inputs: tests/reference/ordinal_a.csv, ordinal_b.csv (tests/reference/make_ordinal_data.py).
# Output: tests/reference/aggregation_reference.json, per data set:
#   icc:   multilevel::ICC1 / ICC2 of aov(overall ~ factor(unit)) and its mean squares
#   rwg:   multilevel::rwg.j(items, unit, ranvar = (6^2 - 1) / 12) and
#          multilevel::awg(items, unit, range = c(1, 6)) (rows with a missing item dropped)
#   lmer:  lme4::lmer(overall ~ 1 + (1 | unit), REML = TRUE) and
#          lme4::lmer(overall ~ 1 + (1 | municipality) + (1 | unit), REML = TRUE):
#          intercept, its SE, variance components, REMLcrit, per-unit coef() and postVar.
suppressPackageStartupMessages({
  library(multilevel)
  library(lme4)
  library(jsonlite)
})
here <- "tests/reference"
out <- list()
for (name in c("ordinal_a", "ordinal_b")) {
  d <- read.csv(file.path(here, paste0(name, ".csv")), stringsAsFactors = FALSE)
  items <- setdiff(names(d), c("respondent_id", "municipality", "unit", "role", "round", "overall"))
  ds <- d[!is.na(d$overall), ]
  a <- aov(overall ~ factor(unit), data = ds)
  tab <- summary(a)[[1]]
  icc <- list(icc1 = ICC1(a), icc2 = ICC2(a), ms_between = tab[1, 3], ms_within = tab[2, 3],
              df_between = tab[1, 1], df_within = tab[2, 1], n = nrow(ds),
              n_groups = length(unique(ds$unit)))
  r <- rwg.j(d[, items], d$unit, ranvar = (6^2 - 1) / 12)
  w <- awg(d[, items], d$unit, range = c(1, 6))
  rwg <- data.frame(group = as.character(r$grpid), n = r$gsize, rwg_j = r$rwg.j,
                    awg = w$a.wg[match(r$grpid, w$grpid)])
  f1 <- lmer(overall ~ 1 + (1 | unit), data = ds, REML = TRUE)
  f2 <- lmer(overall ~ 1 + (1 | municipality) + (1 | unit), data = ds, REML = TRUE)
  vc <- function(f) { v <- as.data.frame(VarCorr(f)); setNames(as.list(v$vcov), v$grp) }
  re1 <- ranef(f1, condVar = TRUE)$unit
  pv <- attr(re1, "postVar")[1, 1, ]
  units1 <- data.frame(group = rownames(re1), blup_mean = fixef(f1)[[1]] + re1[, 1], cond_sd = sqrt(pv))
  # nested BLUP: fixed effect + unit effect + the unit's municipality effect
  re2 <- ranef(f2)
  mu_of <- tapply(ds$municipality, ds$unit, function(v) v[1])
  units2 <- data.frame(group = rownames(re2$unit),
                       blup_mean = fixef(f2)[[1]] + re2$unit[, 1] +
                         re2$municipality[mu_of[rownames(re2$unit)], 1])
  lm_out <- function(f) list(intercept = fixef(f)[[1]], intercept_se = sqrt(vcov(f)[1, 1]),
                             var = vc(f), reml = REMLcrit(f))
  out[[name]] <- list(icc = icc, rwg = rwg, lmer_unit = c(lm_out(f1), list(units = units1)),
                      lmer_nested = c(lm_out(f2), list(units = units2)))
}
write_json(out, file.path(here, "aggregation_reference.json"), digits = NA, auto_unbox = TRUE,
           na = "null", pretty = TRUE)
