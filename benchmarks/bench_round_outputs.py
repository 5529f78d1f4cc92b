"""Speed of `dmkit round --pdf --slides` against the kernel + import floor, measured in one run.

Floor = what any papermill report must pay (as in bench_round.py): start the process, start a
Jupyter kernel, import the stack (pandas, matplotlib, the kit) and export the executed notebook
to HTML. The report is timed three ways on the same data: HTML only, and with the A4 PDF
(headless Chromium) and the slide deck (python-pptx) added, so the cost of each output shows.

Target (issue 15): `dmkit round --pdf --slides` ≤ 2 × floor.

Usage: PYTHONPATH=src .venv/bin/python benchmarks/bench_round_outputs.py [--repeat 3] [--n 2000]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

FLOOR_SCRIPT = """
import sys
from evaluation.reports.protocol import run_notebook
run_notebook(sys.argv[1], {}, sys.argv[2], progress=False)
"""


def _timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--n", type=int, default=0, help="simulated respondents (0 = the Solvik 2025 sample)")
    args = ap.parse_args()
    from nbbuild import build

    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor_nb = tmp / "floor.ipynb"
        build(str(floor_nb), [("code", "output_dir = ''", {"tags": ["parameters"]}),
                              ("code", "import matplotlib.pyplot as plt\nfrom IPython.display import Markdown, display\n"
                                       "from evaluation import plots\nfrom evaluation.reports import round as rounds\n"
                                       "from evaluation.stats import reliability\nfrom evaluation.text import comprehension\n"
                                       "from evaluation.reports.protocol import write_results")])
        if args.n:
            from evaluation.simulate import simulate_round

            data = tmp / f"round_{args.n}.csv"
            simulate_round("dual_maturity", n=args.n, seed=args.n).data.to_csv(data, index=False)
            extra: list[str] = []
            what = f"{args.n} simulated respondents"
        else:
            data = ROOT / "data_samples" / "solvik_2025.csv"
            extra = ["--previous", str(ROOT / "data_samples" / "solvik_2024.csv"),
                     "--benchmark", str(ROOT / "data_samples" / "benchmark_2025.csv"), "--population-size", "320"]
            what = "the Solvik 2025 sample (262 respondents, with previous round and benchmark)"
        base = [py, "-m", "evaluation.cli", "round", str(data), "-i", "dual_maturity", "-m", "Solvik kommun",
                "--round-label", "2025", *extra, "-q"]
        floor, html, full = [], [], []
        for k in range(args.repeat):
            floor.append(_timed([py, "-c", FLOOR_SCRIPT, str(floor_nb), str(tmp / "floor_out")]))
            html.append(_timed([*base, "-o", str(tmp / f"html_{k}")]))
            full.append(_timed([*base, "-o", str(tmp / f"full_{k}"), "--pdf", "--slides"]))
        out = tmp / "full_0"
        sizes = {p.name: p.stat().st_size for p in out.iterdir() if p.is_file()}
        f, h, a = (statistics.median(x) for x in (floor, html, full))
        print(f"data: {what}")
        print(f"floor (kernel start + imports + HTML export), median of {args.repeat}: {f:6.2f} s")
        print(f"dmkit round (HTML + figures/), median of {args.repeat}:                {h:6.2f} s   ratio {h / f:4.2f}")
        print(f"dmkit round --pdf --slides, median of {args.repeat}:                  {a:6.2f} s   ratio {a / f:4.2f}")
        print("sizes: " + ", ".join(f"{k} {v / 1024:.0f} KB" for k, v in sorted(sizes.items())))
        print("target: --pdf --slides ratio ≤ 2.0")


if __name__ == "__main__":
    main()
