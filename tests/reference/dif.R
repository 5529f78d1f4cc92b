# Reference fixtures for evaluation.stats.dif (tests/stats/test_dif.py).
#
# Run from the repository root:   Rscript tests/reference/dif.R
# Debian packages: r-cran-mass (7.3-58), r-cran-jsonlite.
# Inputs: tests/reference/ordinal_a.csv, ordinal_b.csv (tests/reference/make_ordinal_data.py).
# Output: tests/reference/dif_reference.json: per data set, anchor (total, rest) and item,
#   MASS::polr(method = "logistic") log-likelihoods of y ~ s, y ~ s + g, y ~ s * g on rows
#   complete on all items, g = (role == "Chef"), s = total score (or total minus the item),
#   and ll0 = sum n_k log(n_k / n) (thresholds only); lordif-style chi2 and McFadden R2 changes.
suppressPackageStartupMessages({
  library(MASS)
  library(jsonlite)
})
here <- "tests/reference"
out <- list()
for (name in c("ordinal_a", "ordinal_b")) {
  d <- read.csv(file.path(here, paste0(name, ".csv")), stringsAsFactors = FALSE)
  items <- setdiff(names(d), c("respondent_id", "municipality", "unit", "role", "round", "overall"))
  dc <- d[complete.cases(d[, items]), ]
  g <- as.numeric(dc$role == "Chef")
  tot <- rowSums(dc[, items])
  res <- list()
  for (anchor in c("total", "rest")) {
    rows <- list()
    for (it in items) {
      y <- factor(dc[[it]], ordered = TRUE)
      s <- if (anchor == "rest") tot - dc[[it]] else tot
      s <- (s - mean(s)) / sd(s)
      ll <- sapply(list(y ~ s, y ~ s + g, y ~ s * g),
                   function(f) as.numeric(logLik(polr(f, method = "logistic", Hess = FALSE))))
      cnt <- table(y)
      ll0 <- sum(cnt * log(cnt / sum(cnt)))
      r2 <- 1 - ll / ll0
      rows[[it]] <- data.frame(item = it, chi2_uniform = 2 * (ll[2] - ll[1]),
                               chi2_nonuniform = 2 * (ll[3] - ll[2]), chi2_total = 2 * (ll[3] - ll[1]),
                               p_uniform = pchisq(2 * (ll[2] - ll[1]), 1, lower.tail = FALSE),
                               p_nonuniform = pchisq(2 * (ll[3] - ll[2]), 1, lower.tail = FALSE),
                               p_total = pchisq(2 * (ll[3] - ll[1]), 2, lower.tail = FALSE),
                               r2_change_uniform = r2[2] - r2[1], r2_change_total = r2[3] - r2[1])
    }
    res[[anchor]] <- do.call(rbind, rows)
  }
  res$n <- nrow(dc)
  out[[name]] <- res
}
write_json(out, file.path(here, "dif_reference.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE)
