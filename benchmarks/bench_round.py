"""Speed of `dmkit round` end to end against its floor, measured in one run.

Floor = what any papermill report must pay: start the `dmkit` process, start a
Jupyter kernel, import the stack (pandas, matplotlib, the kit) and export the
executed notebook to HTML. It is measured by running a one-cell notebook that
only imports the stack through the same `run_notebook` path.

Target (issue 3): `dmkit round` on 2,000 respondents ≤ 2 × floor.

Usage: .venv/bin/python benchmarks/bench_round.py [--repeat 3]
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
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from nbbuild import build

    from evaluation.simulate import simulate_round

    py = sys.executable
    dmkit = str(Path(py).parent / "dmkit")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor_nb = tmp / "floor.ipynb"
        build(str(floor_nb), [("code", "output_dir = ''", {"tags": ["parameters"]}),
                              ("code", "import matplotlib.pyplot as plt\nfrom IPython.display import Markdown, display\n"
                                       "from evaluation import plots\n",
    "from evaluation.reports import round as rounds\n",
    "from evaluation.stats import reliability\n",
    "from evaluation.text import comprehension\n"
                                       "from evaluation.reports.protocol import write_results")])
        files = {}
        for n in (400, 2000):
            p = tmp / f"round_{n}.csv"
            simulate_round("dual_maturity", n=n, seed=n).data.to_csv(p, index=False)
            files[n] = p
        floor, rounds = [], {400: [], 2000: []}
        for _ in range(args.repeat):
            floor.append(_timed([py, "-c", FLOOR_SCRIPT, str(floor_nb), str(tmp / "floor_out")]))
            for n, p in files.items():
                rounds[n].append(_timed([dmkit, "round", str(p), "-i", "dual_maturity", "-o", str(tmp / f"out_{n}"),
                                         "-q"]))
        f = statistics.median(floor)
        print(f"floor (kernel start + imports + HTML export), median of {args.repeat}: {f:6.2f} s")
        for n, ts in rounds.items():
            m = statistics.median(ts)
            print(f"dmkit round, {n:5d} respondents, median of {args.repeat}:        {m:6.2f} s   ratio to floor {m / f:4.2f}")
        print("target: ratio ≤ 2.0 at 2,000 respondents")


if __name__ == "__main__":
    main()
