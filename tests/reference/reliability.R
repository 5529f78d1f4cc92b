# Reference fixtures for evaluation.reliability (tests/test_reliability.py).
#
# Run from the repository root:   Rscript tests/reference/reliability.R
# Needs Debian's r-cran-psych, r-cran-lavaan, r-cran-gparotation (jsonlite comes
# with them). Writes, beside this script:
#   reliability_likert.csv    (a) simulated 6-point Likert data, 9 items in three
#                                 groups of three, ~10 % missing completely at random,
#                                 items q3 and q7 were reverse-keyed and are stored
#                                 already reversed (7 - x), as ResponseSet.scored() gives them
#   reliability_complete.csv  (b) simulated complete 5-point data, 10 items
#   reliability_bfi.csv       (c) psych's bfi, first 10 items (A1-A5, C1-C5), raw coding
#                                 (A1, C4, C5 are negatively keyed and left as they are)
#   reliability_<name>.json   psych / lavaan results for each data set
# Tests read these files; they never call R.

suppressPackageStartupMessages({
  library(psych)
  library(lavaan)
  library(jsonlite)
})

here <- "tests/reference"

# ---------------------------------------------------------------- data sets
simulate_likert <- function(n, loadings_g, loadings_s, groups, cuts, seed) {
  set.seed(seed)
  k <- length(loadings_g)
  g <- rnorm(n)
  s <- matrix(rnorm(n * max(groups)), n)
  e_sd <- sqrt(1 - loadings_g^2 - loadings_s^2)
  y <- sapply(seq_len(k), function(j) {
    loadings_g[j] * g + loadings_s[j] * s[, groups[j]] + e_sd[j] * rnorm(n)
  })
  x <- apply(y, 2, function(col) findInterval(col, cuts) + 1)
  x
}

# (a) 9 items, three groups; q3 and q7 load negatively (reverse-keyed) and are reversed.
lg <- c(0.6, 0.55, -0.5, 0.6, 0.5, 0.55, -0.6, 0.5, 0.45)
ls <- c(0.45, 0.4, -0.4, 0.45, 0.45, 0.35, -0.4, 0.5, 0.45)
groups <- c(1, 1, 1, 2, 2, 2, 3, 3, 3)
a <- simulate_likert(400, lg, ls, groups, cuts = c(-1.6, -0.8, -0.1, 0.6, 1.3), seed = 20261)
a[, c(3, 7)] <- 7 - a[, c(3, 7)]          # reverse-key as the kit does (min + max - x)
set.seed(20262)
miss <- matrix(runif(length(a)) < 0.10, nrow(a))
miss[rowSums(!miss) == 0, 1] <- FALSE      # keep at least one answer per respondent
a[miss] <- NA
colnames(a) <- paste0("q", 1:9)
write.csv(a, file.path(here, "reliability_likert.csv"), row.names = FALSE, na = "")

# (b) 10 items, complete, 5-point, mostly one factor with three weak groups.
lg_b <- c(0.7, 0.65, 0.6, 0.55, 0.7, 0.6, 0.5, 0.65, 0.6, 0.55)
ls_b <- c(0.3, 0.35, 0.3, 0.4, 0.3, 0.35, 0.4, 0.3, 0.35, 0.3)
groups_b <- c(1, 1, 1, 2, 2, 2, 3, 3, 3, 3)
b <- simulate_likert(500, lg_b, ls_b, groups_b, cuts = c(-1.3, -0.4, 0.5, 1.4), seed = 20263)
colnames(b) <- paste0("v", 1:10)
write.csv(b, file.path(here, "reliability_complete.csv"), row.names = FALSE, na = "")

# (c) psych's bfi, first ten items, as shipped (has missing values).
data(bfi, package = "psych")
c10 <- bfi[, 1:10]
write.csv(c10, file.path(here, "reliability_bfi.csv"), row.names = FALSE, na = "")

# ---------------------------------------------------------------- fixtures
one_factor_omega <- function(S = NULL, data = NULL, nobs = NULL) {
  vars <- if (is.null(data)) colnames(S) else colnames(data)
  model <- paste("f =~", paste(vars, collapse = " + "))
  fit <- if (is.null(data)) {
    cfa(model, sample.cov = S, sample.nobs = nobs, std.lv = TRUE)
  } else {
    cfa(model, data = data, std.lv = TRUE)   # ML, likelihood = "normal" (N denominator)
  }
  pe <- parameterEstimates(fit)
  lam <- pe$est[pe$op == "=~"]
  th <- pe$est[pe$op == "~~" & pe$lhs == pe$rhs & pe$lhs %in% vars]
  list(omega = sum(lam)^2 / (sum(lam)^2 + sum(th)), lambda = lam, theta = th,
       n = lavInspect(fit, "nobs"))
}

fixtures <- function(x) {
  x <- as.data.frame(x)
  al <- suppressWarnings(psych::alpha(x, warnings = FALSE))
  tot <- al$total
  rf <- al$response.freq
  fr <- as.data.frame(unclass(rf))
  feldt <- al$feldt
  complete <- na.omit(x)
  al_lw <- suppressWarnings(psych::alpha(complete, warnings = FALSE))
  om1 <- one_factor_omega(data = complete)
  pc <- suppressWarnings(polychoric(x))
  al_poly <- suppressWarnings(psych::alpha(pc$rho, warnings = FALSE))
  om_poly <- one_factor_omega(S = pc$rho, nobs = nrow(x))
  omh <- suppressWarnings(psych::omega(x, nfactors = 3, plot = FALSE))
  omh_poly <- suppressWarnings(psych::omega(x, nfactors = 3, plot = FALSE, poly = TRUE))
  sl_frame <- function(o) {
    s <- unclass(o$schmid$sl)
    s <- s[, c("g", paste0("F", 1:3, "*"), "h2", "u2"), drop = FALSE]
    colnames(s) <- c("g", "F1", "F2", "F3", "h2", "u2")
    as.data.frame(s)
  }
  list(
    n_rows = nrow(x),
    items = colnames(x),
    total = list(raw_alpha = tot$raw_alpha, std_alpha = tot$std.alpha,
                 g6_smc = tot[["G6(smc)"]], average_r = tot$average_r,
                 median_r = tot$median_r, s_n = tot[["S/N"]], ase = tot$ase,
                 mean = tot$mean, sd = tot$sd),
    feldt = list(lower = unname(unlist(feldt$lower.ci)), upper = unname(unlist(feldt$upper.ci))),
    feldt_90 = {
      f90 <- alpha.ci(tot$raw_alpha, nrow(x), ncol(x), p.val = 0.10)
      list(lower = f90$lower.ci, upper = f90$upper.ci)
    },
    listwise = list(raw_alpha = al_lw$total$raw_alpha, n = nrow(complete),
                    lower = unname(unlist(al_lw$feldt$lower.ci)),
                    upper = unname(unlist(al_lw$feldt$upper.ci))),
    alpha_drop = as.list(as.data.frame(al$alpha.drop)),
    item_stats = as.list(as.data.frame(al$item.stats)),
    response_freq = list(categories = colnames(fr), values = as.list(fr)),
    omega_total = list(omega = om1$omega, lambda = om1$lambda, theta = om1$theta,
                       n = om1$n),
    polychoric = list(rho = unname(pc$rho), tau = unname(pc$tau)),
    alpha_polychoric = al_poly$total$raw_alpha,
    omega_polychoric = om_poly$omega,
    omega_h = list(omega_h = omh$omega_h, omega_t = omh$omega.tot, alpha = omh$alpha,
                   sl = as.list(sl_frame(omh))),
    omega_h_polychoric = list(omega_h = omh_poly$omega_h, omega_t = omh_poly$omega.tot,
                              alpha = omh_poly$alpha),
    omega_h_2groups = {
      o2 <- suppressWarnings(suppressMessages(psych::omega(x, nfactors = 2, plot = FALSE)))
      list(omega_h = o2$omega_h, omega_t = o2$omega.tot)
    },
    two_items = {
      a2 <- suppressWarnings(psych::alpha(x[, 1:2], warnings = FALSE))
      list(raw_alpha = a2$total$raw_alpha, alpha_drop = a2$alpha.drop$raw_alpha,
           r_drop = a2$item.stats$r.drop)
    }
  )
}

for (name in c("likert", "complete", "bfi")) {
  x <- read.csv(file.path(here, paste0("reliability_", name, ".csv")))
  fx <- fixtures(x)
  fx$generator <- paste("tests/reference/reliability.R; psych", packageVersion("psych"),
                        "lavaan", packageVersion("lavaan"),
                        "GPArotation", packageVersion("GPArotation"))
  writeLines(toJSON(fx, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
             file.path(here, paste0("reliability_", name, ".json")))
  cat("wrote", name, "\n")
}
