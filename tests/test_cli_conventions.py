"""The CLI's conventions (issue 16): --version, help with examples, runnable examples, plain errors."""

from __future__ import annotations

import argparse
import shlex
import shutil

import pytest
import yaml

from conftest import ROOT
from evaluation import __version__
from evaluation.cli import EXAMPLES, build_parser, main

PARSER = build_parser()
SUB = next(a for a in PARSER._actions if isinstance(a, argparse._SubParsersAction))
COMMANDS = sorted(SUB.choices)
#: Examples cheap enough to run here for real; the others start notebooks and are run
#: by their own tests (test_cli, test_round_report, ...) or need a batch folder first.
RUN_HERE = ["instruments", "validate", "new-municipality", "initiatives"]


def test_every_command_has_an_example():
    assert set(COMMANDS) == set(EXAMPLES), f"commands without an example: {set(COMMANDS) - set(EXAMPLES)}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_help_with_an_example(command):
    for action in SUB.choices[command]._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = "/".join(action.option_strings) or action.dest
        assert action.help, f"dmkit {command} {name} has no help text"
        if action.nargs != 0:  # takes a value: show one
            assert "e.g." in action.help, f"dmkit {command} {name}: help {action.help!r} gives no example"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_ends_with_a_runnable_example(command):
    text = SUB.choices[command].format_help().rstrip().splitlines()
    i = max(k for k, line in enumerate(text) if line == "example:")
    example = text[i + 1].strip()
    assert example.startswith(f"dmkit {command} ") or example == f"dmkit {command}", example
    assert len(text) - i <= 3, f"dmkit {command} --help: the example is not at the end"
    argv = shlex.split(example)[1:]
    ns = build_parser(command).parse_args(argv)  # exits (and fails the test) if it does not parse
    assert ns.command == command
    for arg in argv:
        if arg.startswith("data_samples/"):
            assert (ROOT / arg).is_file(), f"the example of dmkit {command} names a missing file {arg}"


@pytest.mark.parametrize("command", RUN_HERE)
def test_example_runs(command, tmp_path, monkeypatch, capsys):
    shutil.copytree(ROOT / "data_samples", tmp_path / "data_samples")
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(EXAMPLES[command])[1:]
    code = main(argv)
    out = capsys.readouterr()
    # the messy sample has errors on purpose: validate says so with exit 1 and lists them
    assert code == (1 if command == "validate" else 0), out.err
    assert out.out.strip(), "the example printed nothing"
    if command == "validate":
        assert "Problems" in out.out and (tmp_path / "data_samples" / "solvik_2025_messy.rejected.csv").is_file()


def test_version_names_kit_and_every_instrument(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"dmkit {__version__} ")
    for path in sorted((ROOT / "instruments").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "items" in str(doc.get("dimensions", "")):  # an instrument, not the crosswalk
            assert f"{doc['id']} {doc['version']}" in out, f"--version does not name {doc['id']} {doc['version']}"


def test_usage_error_is_one_plain_line_with_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["round"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["dmkit round: the following arguments are required: file, --instrument/-i "
                   "(see dmkit round --help)"]


def test_bad_input_is_one_plain_line_with_exit_1(tmp_path, capsys):
    code = main(["validate", str(tmp_path / "missing.csv"), "--instrument", "dual_maturity"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and err[0].startswith("dmkit: ") and "missing.csv" in err[0]
