"""Clone the repository into a temporary folder and run exactly the README's two commands there.

Run by ``make test`` (target ``fresh-clone-check``), so CI proves what the README promises: on a
machine with nothing but the repository, ``make report`` and ``make test`` both succeed. The
commands are read from the README's "The two commands" section, not written here, so the check
follows the README. The clone is of the committed HEAD (uncommitted changes are not in a clone;
the check says so). The inner ``make test`` runs with ``DMKIT_FRESH_CLONE=inner``: it runs the
whole suite and the docs build, and its own fresh-clone step does not clone again (no recursion).

``python tools/fresh_clone_check.py --print`` only prints the commands it would run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## The two commands"
#: Files ``make report`` must leave behind (the README says it writes the HTML report).
REPORT_OUTPUTS = ("reports/solvik_2025/round_report.html", "reports/solvik_2025/results.json")


def readme_commands(readme: Path = ROOT / "README.md") -> list[str]:
    """The indented commands of the README's "The two commands" section, comments removed.

    >>> readme_commands()
    ['make report', 'make test']
    """
    text = readme.read_text(encoding="utf-8")
    if SECTION not in text:
        raise ValueError(f"{readme}: no section {SECTION!r}; the fresh-clone check reads its commands from there")
    body = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    cmds = []
    for line in body.splitlines():
        if line.startswith("    ") and line.strip() and not line.strip().startswith("#"):
            cmds.append(re.sub(r"\s+#.*$", "", line.strip()))
    if not cmds:
        raise ValueError(f"{readme}: the section {SECTION!r} has no indented command")
    return cmds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--print", action="store_true", help="only print the commands")
    ap.add_argument("--keep", action="store_true", help="keep the temporary clone (its path is printed)")
    args = ap.parse_args(argv)
    cmds = readme_commands()
    if args.print:
        print("\n".join(cmds))
        return 0
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="dmkit-fresh-clone-"))
    clone = tmp / "dmkit"
    print(f"fresh-clone check: cloning commit {head} into {clone}"
          + (" (uncommitted changes are not part of the clone)" if dirty else ""), flush=True)
    env = {k: v for k, v in os.environ.items()
           if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}}
    env["DMKIT_FRESH_CLONE"] = "inner"
    # the clone's own .venv/bin first, as a newcomer's shell would not have ours active
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(ROOT / ".venv")))
    started = time.monotonic()
    try:
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
        for cmd in cmds:
            t0 = time.monotonic()
            print(f"fresh-clone check: $ {cmd}", flush=True)
            r = subprocess.run(cmd, shell=True, cwd=clone, env=env)
            took = time.monotonic() - t0
            if r.returncode != 0:
                print(f"fresh-clone check: FAILED: `{cmd}` exited {r.returncode} after {took:.0f} s in {clone}",
                      file=sys.stderr)
                args.keep = True
                return 1
            print(f"fresh-clone check: `{cmd}` succeeded in {took:.0f} s", flush=True)
            if cmd == "make report":
                missing = [p for p in REPORT_OUTPUTS if not (clone / p).is_file()]
                if missing:
                    print(f"fresh-clone check: FAILED: `make report` succeeded but wrote no {', '.join(missing)}",
                          file=sys.stderr)
                    args.keep = True
                    return 1
        print(f"fresh-clone check: the README's {len(cmds)} commands succeeded in a fresh clone "
              f"({time.monotonic() - started:.0f} s)")
        return 0
    finally:
        if args.keep:
            print(f"fresh-clone check: the clone is kept in {clone}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
