# Reference fixtures for src/evaluation/structure.py (tests/test_structure.py).
#
# Run from the repository root:  Rscript tests/reference/structure.R
# Needs Debian r-cran-lavaan and r-cran-psych (R is never a runtime dependency;
# the tests only read the CSV/JSON files this script writes).
#
# Datasets written (and shipped in the repo):
#   structure_hs1939.csv   lavaan's HolzingerSwineford1939 (301 pupils, x1..x9,
#                          two schools) -- the classic 3-factor CFA example.
#   structure_likert.csv   a simulated 6-point Likert survey, two groups
#                          (n = 260 + 240), two factors, one reverse-keyed item
#                          (already reverse-scored, so all loadings positive
#                          except where noted), about 2 % missing cells, and an
#                          intercept shift in group B on item a3 (so scalar
#                          invariance should fail while metric holds).
# Fixtures written:
#   structure_cfa.json         fitMeasures + loadings (parameterEstimates with
#                              standardized solution) for several models, with
#                              lavaan's default listwise deletion and, for the
#                              Likert data, also missing = "ml" (FIML)
#   structure_invariance.json  configural / metric / scalar fits per dataset
#   structure_parallel.json    psych::fa.parallel observed eigenvalues and
#                              suggested numbers of factors/components
suppressPackageStartupMessages({
  library(lavaan)
  library(psych)
  library(jsonlite)
})
out <- "tests/reference"
cat("lavaan", as.character(packageVersion("lavaan")),
    "psych", as.character(packageVersion("psych")), "\n")

# ---------------------------------------------------------------- datasets
hs <- HolzingerSwineford1939
write.csv(hs, file.path(out, "structure_hs1939.csv"), row.names = FALSE)

set.seed(20240611)
sim_group <- function(n, shift_a3) {
  phi <- matrix(c(1, 0.45, 0.45, 1), 2)
  eta <- matrix(rnorm(n * 2), n) %*% chol(phi)
  lam_a <- c(0.80, 0.70, 0.75, 0.65, 0.60)
  lam_b <- c(0.75, 0.70, 0.65, 0.55)
  a <- sapply(lam_a, function(l) l * eta[, 1] + sqrt(1 - l^2) * rnorm(n))
  b <- sapply(lam_b, function(l) l * eta[, 2] + sqrt(1 - l^2) * rnorm(n))
  a[, 3] <- a[, 3] + shift_a3
  x <- cbind(a, b)
  cuts <- c(-Inf, -1.5, -0.7, 0, 0.7, 1.5, Inf)
  lik <- apply(x, 2, function(v) as.integer(cut(v, cuts)))
  colnames(lik) <- c(paste0("a", 1:5), paste0("b", 1:4))
  lik
}
ga <- sim_group(260, 0)
gb <- sim_group(240, 0.6)
lik <- data.frame(group = rep(c("A", "B"), c(260, 240)), rbind(ga, gb))
# item b4 was asked reverse-keyed; the file holds the reverse-scored value
# (7 - raw), so the analysis data are as above.
miss <- matrix(runif(nrow(lik) * 9) < 0.02, nrow(lik))
items <- as.matrix(lik[, -1]); items[miss] <- NA; lik[, -1] <- items
write.csv(lik, file.path(out, "structure_likert.csv"), row.names = FALSE,
          na = "")

# ---------------------------------------------------------------- CFA
fm_names <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower",
              "rmsea.ci.upper", "srmr", "baseline.chisq", "baseline.df",
              "npar", "ntotal", "logl")
fit_record <- function(fit) {
  fm <- fitMeasures(fit, fm_names)
  pe <- parameterEstimates(fit, standardized = TRUE)
  pe <- pe[, intersect(c("lhs", "op", "rhs", "group", "est", "se", "std.all"),
                       names(pe))]
  list(fit = as.list(unclass(fm)), params = pe,
       converged = lavInspect(fit, "converged"))
}
hs_model <- "visual  =~ x1 + x2 + x3
             textual =~ x4 + x5 + x6
             speed   =~ x7 + x8 + x9"
models <- list(
  hs_3f = list(data = "hs", model = hs_model),
  hs_3f_extra = list(data = "hs", model = paste(
    "visual  =~ x1 + x2 + x3 + x9",
    "textual =~ x4 + x5 + x6",
    "speed   =~ x7 + x8 + x9",
    "x7 ~~ x8", sep = "\n")),
  hs_1f = list(data = "hs", model = "g =~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9"),
  likert_2f = list(data = "likert",
                   model = "fa =~ a1 + a2 + a3 + a4 + a5\nfb =~ b1 + b2 + b3 + b4"),
  # full-information ML on the incomplete rows (missing = "ml")
  likert_2f_fiml = list(data = "likert", missing = "ml",
                        model = "fa =~ a1 + a2 + a3 + a4 + a5\nfb =~ b1 + b2 + b3 + b4")
)
datasets <- list(hs = hs, likert = lik)
cfa_out <- list()
for (nm in names(models)) {
  m <- models[[nm]]
  miss <- if (is.null(m$missing)) "listwise" else m$missing
  fit <- cfa(m$model, data = datasets[[m$data]], missing = miss)
  cfa_out[[nm]] <- c(list(data = m$data, model = m$model, missing = miss),
                     fit_record(fit))
}
write_json(cfa_out, file.path(out, "structure_cfa.json"), digits = NA,
           auto_unbox = TRUE, pretty = TRUE)

# ---------------------------------------------------------------- invariance
inv_specs <- list(
  hs_school = list(data = "hs", model = hs_model, group = "school"),
  likert_group = list(data = "likert", group = "group",
                      model = "fa =~ a1 + a2 + a3 + a4 + a5\nfb =~ b1 + b2 + b3 + b4"),
  likert_group_fiml = list(data = "likert", group = "group", missing = "ml",
                      model = "fa =~ a1 + a2 + a3 + a4 + a5\nfb =~ b1 + b2 + b3 + b4")
)
inv_names <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr",
               "baseline.chisq", "baseline.df", "npar", "ntotal")
inv_out <- list()
for (nm in names(inv_specs)) {
  s <- inv_specs[[nm]]
  d <- datasets[[s$data]]
  miss <- if (is.null(s$missing)) "listwise" else s$missing
  conf <- cfa(s$model, data = d, group = s$group, missing = miss)
  metr <- cfa(s$model, data = d, group = s$group, group.equal = "loadings",
              missing = miss)
  scal <- cfa(s$model, data = d, group = s$group,
              group.equal = c("loadings", "intercepts"), missing = miss)
  rows <- list()
  for (lev in c("configural", "metric", "scalar")) {
    f <- switch(lev, configural = conf, metric = metr, scalar = scal)
    rows[[lev]] <- c(as.list(unclass(fitMeasures(f, inv_names))),
                     converged = lavInspect(f, "converged"))
  }
  lrt1 <- lavTestLRT(conf, metr)
  lrt2 <- lavTestLRT(metr, scal)
  rows$metric$delta_chisq <- lrt1[2, "Chisq diff"]
  rows$metric$delta_df <- lrt1[2, "Df diff"]
  rows$metric$delta_pvalue <- lrt1[2, "Pr(>Chisq)"]
  rows$scalar$delta_chisq <- lrt2[2, "Chisq diff"]
  rows$scalar$delta_df <- lrt2[2, "Df diff"]
  rows$scalar$delta_pvalue <- lrt2[2, "Pr(>Chisq)"]
  inv_out[[nm]] <- list(data = s$data, model = s$model, group = s$group,
                        missing = miss,
                        groups = lavInspect(conf, "group.label"),
                        rows = rows,
                        scalar_params = parameterEstimates(scal)[,
                          c("lhs", "op", "rhs", "group", "est", "se")])
}
write_json(inv_out, file.path(out, "structure_invariance.json"), digits = NA,
           auto_unbox = TRUE, pretty = TRUE)

# ---------------------------------------------------------------- parallel
par_out <- list()
par_sets <- list(hs = hs[, paste0("x", 1:9)], likert = lik[, -1])
for (nm in names(par_sets)) {
  x <- par_sets[[nm]]
  set.seed(1)
  pc <- fa.parallel(x, fa = "pc", n.iter = 100, plot = FALSE)
  set.seed(1)
  fa_ <- fa.parallel(x, fa = "fa", n.iter = 100, plot = FALSE)
  par_out[[nm]] <- list(
    n = nrow(x),
    pc_observed = pc$pc.values, pc_sim_mean = pc$pc.sim,
    ncomp = pc$ncomp,
    fa_observed = fa_$fa.values, fa_sim_mean = fa_$fa.sim,
    nfact = fa_$nfact)
}
# psych's one-factor minres eigenvalues on small noise data sets (what the
# simulated side of fa.parallel(fa = "fa") computes), including bound cases.
set.seed(7)
noise <- list()
for (i in 1:12) {
  z <- matrix(round(rnorm(40 * 6), 4), 40, 6)
  fv <- fa(cor(z), nfactors = 1, rotate = "none", fm = "minres",
           SMC = FALSE, warnings = FALSE)$values
  noise[[i]] <- list(data = z, values = fv)
}
par_out$noise <- noise
write_json(par_out, file.path(out, "structure_parallel.json"), digits = NA,
           auto_unbox = TRUE, pretty = TRUE)
cat("done\n")
