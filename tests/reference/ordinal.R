# Reference fixtures for evaluation.stats.ordinal / stats.invariance (tests/stats/test_ordinal.py,
# tests/stats/test_invariance.py).
#
# Run from the repository root:   Rscript tests/reference/ordinal.R
# Debian packages: r-cran-lavaan (0.6-14), r-cran-jsonlite.
# Inputs: tests/reference/ordinal_a.csv, ordinal_b.csv (tests/reference/make_ordinal_data.py).
# Output: tests/reference/ordinal_reference.json with, per data set and missing mode
#   (listwise, pairwise):
#   cfa(model, ordered = items, estimator = "WLSMV", std.lv = TRUE, missing = mode)
#   fit measures, loadings (est, se, std.all), thresholds (est, se), factor correlations,
#   the sample statistics (thresholds, polychoric correlations) and diag(NACOV);
#   and for the invariance series by round (listwise; lavaan's default marker identification):
#   configural: group = "round"; metric: group.equal = "loadings";
#   scalar: group.equal = c("loadings", "thresholds"); partial_scalar: the same with group.partial;
#   fit measures of each, lavTestLRT(configural, metric, scalar), lavTestLRT(configural, partial),
#   lavTestScore(scalar)$uni with each constraint named "lhs op rhs" of its group-2 parameter.
suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})
here <- "tests/reference"
fm_names <- c("chisq", "df", "chisq.scaled", "df.scaled", "pvalue.scaled", "cfi.scaled",
              "tli.scaled", "rmsea.scaled", "rmsea.ci.lower.scaled", "rmsea.ci.upper.scaled",
              "srmr", "wrmr")
sets <- list(
  ordinal_a = list(model = "governance =~ gov_1 + gov_2 + gov_3 + gov_4
                            capability =~ cap_1 + cap_2 + cap_3 + cap_4
                            culture =~ cul_1 + cul_2 + cul_3 + cul_4",
                   partial = c("governance =~ gov_4", "cap_3|t1")),
  ordinal_b = list(model = "leadership =~ lead_1 + lead_2 + lead_3 + lead_4
                            technology =~ tech_1 + tech_2 + tech_3 + tech_4",
                   partial = c("lead_2|t2"))
)
fit_list <- function(f) {
  fm <- as.list(fitMeasures(f, fm_names))
  fm$n <- lavInspect(f, "ntotal")
  fm
}
out <- list()
for (name in names(sets)) {
  d <- read.csv(file.path(here, paste0(name, ".csv")), stringsAsFactors = FALSE)
  items <- setdiff(names(d), c("respondent_id", "municipality", "unit", "role", "round", "overall"))
  model <- sets[[name]]$model
  res <- list()
  for (mode in c("listwise", "pairwise")) {
    f <- cfa(model, data = d[, items], ordered = items, estimator = "WLSMV", std.lv = TRUE,
             missing = mode)
    pe <- parameterEstimates(f, standardized = TRUE)
    ld <- pe[pe$op == "=~", ]
    th <- pe[pe$op == "|", ]
    ss <- lavInspect(f, "sampstat")
    res[[mode]] <- list(
      fit = fit_list(f),
      loadings = data.frame(item = ld$rhs, factor = ld$lhs, est = ld$est, se = ld$se,
                            std_all = ld$std.all),
      thresholds = data.frame(item = th$lhs, th = th$rhs, est = th$est, se = th$se),
      factor_correlations = unclass(lavInspect(f, "cor.lv")),
      # normal-ogive GRM from lavaan's standardised solution: a = l / sqrt(1 - l^2), b = tau / l
      grm = data.frame(item = ld$rhs, a = ld$std.all / sqrt(1 - ld$std.all^2)),
      grm_b = data.frame(item = th$lhs, th = th$rhs,
                         b = th$std.all / ld$std.all[match(th$lhs, ld$rhs)]),
      sample_th = as.numeric(ss$th), sample_cor = unclass(ss$cov),
      nacov_diag = diag(lavInspect(f, "gamma")),
      timing = as.list(lavInspect(f, "timing")[c("total")])
    )
  }
  # invariance by round (listwise: lavaan's default for categorical data)
  dd <- d[, c(items, "round")]
  dd$round <- as.character(dd$round)
  conf <- cfa(model, data = dd, ordered = items, estimator = "WLSMV", group = "round")
  metr <- cfa(model, data = dd, ordered = items, estimator = "WLSMV", group = "round",
              group.equal = "loadings")
  scal <- cfa(model, data = dd, ordered = items, estimator = "WLSMV", group = "round",
              group.equal = c("loadings", "thresholds"))
  part <- cfa(model, data = dd, ordered = items, estimator = "WLSMV", group = "round",
              group.equal = c("loadings", "thresholds"), group.partial = sets[[name]]$partial)
  lrt <- lavTestLRT(conf, metr, scal)
  lrt_p <- lavTestLRT(conf, part)
  st <- lavTestScore(scal)$uni
  pt <- parTable(scal)
  nm <- function(lab) {
    i <- match(lab, pt$plabel)
    paste0(pt$lhs[i], pt$op[i], pt$rhs[i])
  }
  score <- data.frame(param = nm(st$rhs), param_lhs = nm(st$lhs), X2 = st$X2, df = st$df,
                      p = st$p.value)
  inv <- list()
  for (m in list(list("configural", conf), list("metric", metr), list("scalar", scal),
                 list("partial_scalar", part))) {
    inv[[m[[1]]]] <- fit_list(m[[2]])
  }
  inv$lrt <- data.frame(model = c("configural", "metric", "scalar"),
                        chisq_diff = lrt[["Chisq diff"]], df_diff = lrt[["Df diff"]],
                        p_diff = lrt[["Pr(>Chisq)"]])
  inv$lrt_partial <- data.frame(model = c("configural", "partial_scalar"),
                                chisq_diff = lrt_p[["Chisq diff"]], df_diff = lrt_p[["Df diff"]],
                                p_diff = lrt_p[["Pr(>Chisq)"]])
  inv$score <- score
  inv$partial <- sets[[name]]$partial
  inv$loadings_scalar <- {
    pe <- parameterEstimates(scal)
    pe <- pe[pe$op %in% c("=~", "~*~", "~1", "~~") & pe$group == 2, ]
    data.frame(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, est = pe$est, se = pe$se)
  }
  res$invariance <- inv
  res$model <- model
  out[[name]] <- res
}
write_json(out, file.path(here, "ordinal_reference.json"), digits = NA, auto_unbox = TRUE,
           na = "null", pretty = TRUE)
