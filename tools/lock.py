"""Write requirements.lock (and requirements-bench.lock) from pyproject.toml.

The lock holds the exact versions the test suite passes with. It is resolved by uv
(``uv pip compile --universal``, so one file serves Python 3.11-3.13 on any platform),
preferring the versions installed in the environment that ran the suite green (they are
written into the output file first, which uv reads as preferences; where such a version
cannot serve some Python, e.g. a release that needs 3.11.5 while Debian 12 has 3.11.2, uv
adds an older one for that Python under a marker). Run the suite, then
``python tools/lock.py`` with that environment's Python (``make lock`` does both).
``make`` installs the lock with plain pip; uv is needed only here.

- requirements.lock: the package's dependencies + the ``test`` and ``docs`` extras
  (what ``make test``, ``make report``, ``make docs`` and ``make lab`` install);
- requirements-bench.lock: the same + the ``bench`` extra (peers the benchmarks compare against).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKS = {"requirements.lock": ["test", "docs"], "requirements-bench.lock": ["test", "docs", "bench"]}
#: The oldest Python the kit supports (pyproject's requires-python); uv resolves for it and newer.
PYTHON_VERSION = "3.11"


def installed_pins() -> list[str]:
    """``name==version`` for every distribution installed here, except the kit itself."""
    pins = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name and name.lower() != "evaluation":
            pins[name.lower()] = f"{name}=={dist.version}"
    return sorted(pins.values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upgrade", action="store_true",
                    help="ignore the installed versions and take the newest that pyproject allows "
                         "(then reinstall with make and run the suite before committing the lock)")
    args = ap.parse_args(argv)
    pins = "\n".join(installed_pins()) + "\n"
    for out, extras in LOCKS.items():
        if not args.upgrade:
            (ROOT / out).write_text(pins)  # preferences for uv (an existing output file is read so)
        cmd = [sys.executable, "-m", "uv", "pip", "compile", "pyproject.toml", "--universal",
               "--python-version", PYTHON_VERSION, "--quiet", "-o", out,
               "--custom-compile-command", "python tools/lock.py"]
        cmd += [a for e in extras for a in ("--extra", e)]
        if args.upgrade:
            cmd.append("--upgrade")
        subprocess.run(cmd, cwd=ROOT, check=True)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
