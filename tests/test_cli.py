"""The command line (python -m cli, what ./render.sh runs): bad input gets one line on
stderr, exit code 2 and no traceback, and never writes or destroys an output file.

Every scene case here must fail before rendering; no video is rendered. The commands
all start at once in a module fixture (each in its own folder) to keep the run short;
the tests then check one result each.
"""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from core import config, trace
from core.errors import ConfigError
from scenes.registry import SCENES

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120  # seconds; a scene case that started rendering would take far longer
KNOWN = b"existing output: must survive a failed run\x00\xff"


@dataclass
class Case:
    folder: Path  # the case's own folder, holding its input and output files
    run: subprocess.CompletedProcess

    def files(self) -> list[str]:
        return sorted(p.name for p in self.folder.iterdir())


def cli(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=TIMEOUT)


def commands(base: Path) -> dict[str, tuple[Path, list]]:
    """Every case: its folder (made here, with its input files) and its arguments."""
    cases = {}

    def case(name: str, files: dict[str, str | bytes], *args) -> None:
        folder = base / name
        folder.mkdir()
        for file_name, content in files.items():
            path = folder / file_name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        cases[name] = (folder, [a(folder) if callable(a) else a for a in args])

    def at(name: str):
        return lambda folder: folder / name

    case("unknown_scene", {}, "nosuchscene")
    case("unknown_option", {}, "training", "--bogus")
    case("trace_missing_config", {}, "trace", at("missing.toml"), "-o", at("out.npz"))
    case("trace_unknown_preset", {}, "trace", "nosuchpreset", "-o", at("out.npz"))
    case("trace_without_output", {}, "trace", "post")
    case("trace_malformed", {"bad.toml": "[network\nlayers = [2, 8, 1]\n"},
         "trace", at("bad.toml"), "-o", at("out.npz"))
    case("trace_out_of_range", {"range.toml": "[train]\nlearning_rate = -1\n"},
         "trace", at("range.toml"), "-o", at("out.npz"))
    case("trace_non_npz", {}, "trace", "post", "-o", at("out.txt"))
    case("trace_keeps_output", {"bad.toml": "[train]\niterations = 0\n", "out.npz": KNOWN},
         "trace", at("bad.toml"), "-o", at("out.npz"))
    case("scene_missing_config", {"out.mp4": KNOWN},
         "training", "--config", at("missing.toml"), "-o", at("out.mp4"))
    case("scene_mismatch", {}, "training", "-o", at("out.mp4"), "--format", "gif")
    case("scene_transparent_mp4", {}, "training", "--transparent", "--format", "mp4")
    case("trace_success", {}, "trace", "post", "-o", at("tmp/x.npz"))
    case("trace_replaces", {"x.npz": KNOWN}, "trace", "post", "-o", at("x.npz"))
    case("list", {}, "list")
    for flag in ("--help", "-h", "help"):
        case(f"help{flag}", {}, flag)
    # once bugs, now fixed: see the tests at the end
    case("trace_bad_probe", {"probe.toml": "[trace]\nprobe = [100000]\n"},
         "trace", at("probe.toml"), "-o", at("out.npz"))
    case("trace_output_below_a_file", {"file": KNOWN}, "trace", "post", "-o", at("file/x.npz"))
    return cases


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Case]:
    cases = commands(tmp_path_factory.mktemp("cli"))
    workers = max(2, min(8, 2 * (os.cpu_count() or 1)))
    with ThreadPoolExecutor(workers) as pool:
        futures = {name: pool.submit(cli, *args) for name, (_, args) in cases.items()}
    return {name: Case(cases[name][0], future.result()) for name, future in futures.items()}


def assert_usage_error(run: subprocess.CompletedProcess) -> str:
    """Exit 2, exactly one non-empty line on stderr, no traceback, nothing on stdout."""
    context = f"{run.args}\nrc={run.returncode}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    assert run.returncode == 2, context
    assert "Traceback" not in run.stderr, context
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), context
    assert lines[0].startswith("render.sh: error: "), context
    assert run.stdout.strip() == "", context  # no success line (a path and a size)
    return lines[0]


# --- bad input: exit 2, one line, nothing written -------------------------------------------

def test_unknown_scene_or_command(runs):
    line = assert_usage_error(runs["unknown_scene"].run)
    assert "nosuchscene" in line
    for name in SCENES:
        assert name in line


def test_unknown_option_on_a_scene(runs):
    line = assert_usage_error(runs["unknown_option"].run)
    assert "--bogus" in line and "--help" in line


def test_trace_with_a_missing_config(runs):
    case = runs["trace_missing_config"]
    line = assert_usage_error(case.run)
    assert "missing.toml" in line and "not found" in line
    assert case.files() == []


def test_trace_with_an_unknown_preset(runs):
    case = runs["trace_unknown_preset"]
    line = assert_usage_error(case.run)
    assert "nosuchpreset" in line
    for name in config.preset_names():
        assert name in line
    assert case.files() == []


def test_trace_without_output(runs):
    line = assert_usage_error(runs["trace_without_output"].run)
    assert "-o" in line


def test_trace_with_malformed_toml(runs):
    case = runs["trace_malformed"]
    line = assert_usage_error(case.run)
    assert "bad.toml" in line and "line" in line and "column" in line
    assert case.files() == ["bad.toml"]


def test_trace_with_an_out_of_range_value(runs):
    case = runs["trace_out_of_range"]
    line = assert_usage_error(case.run)
    assert "train.learning_rate" in line
    assert case.files() == ["range.toml"]


def test_trace_with_a_non_npz_output(runs):
    case = runs["trace_non_npz"]
    line = assert_usage_error(case.run)
    assert ".npz" in line
    assert case.files() == []  # neither the output nor a temporary file


def test_scene_with_a_missing_config(runs):
    case = runs["scene_missing_config"]
    line = assert_usage_error(case.run)
    assert "missing.toml" in line
    # the existing output survives, and no render folder is left beside it
    assert (case.folder / "out.mp4").read_bytes() == KNOWN
    assert case.files() == ["out.mp4"]


def test_scene_output_extension_and_format_mismatch(runs):
    case = runs["scene_mismatch"]
    line = assert_usage_error(case.run)
    assert ".gif" in line
    assert case.files() == []


def test_scene_transparent_mp4(runs):
    line = assert_usage_error(runs["scene_transparent_mp4"].run)
    assert "--transparent" in line


def test_failed_trace_keeps_the_existing_output(runs):
    case = runs["trace_keeps_output"]
    line = assert_usage_error(case.run)
    assert "train.iterations" in line
    assert (case.folder / "out.npz").read_bytes() == KNOWN
    assert case.files() == ["bad.toml", "out.npz"]


# --- success --------------------------------------------------------------------------------

def test_trace_writes_a_loadable_trace(runs):
    case = runs["trace_success"]
    out = case.folder / "tmp" / "x.npz"  # its folder did not exist
    assert case.run.returncode == 0, case.run.stderr
    assert case.run.stderr == ""
    lines = case.run.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{out} "), case.run.stdout
    result = trace.load(out)
    expected = config.load("post")
    assert result.meta["config"] == expected
    assert result.n_states == expected["train"]["iterations"] + 1
    assert sorted(p.name for p in out.parent.iterdir()) == ["x.npz"]  # no temporary file


def test_trace_replaces_an_existing_output(runs):
    case = runs["trace_replaces"]
    assert case.run.returncode == 0, case.run.stderr
    result = trace.load(case.folder / "x.npz")
    assert result.n_states == config.load("post")["train"]["iterations"] + 1
    assert case.files() == ["x.npz"]


def test_list_names_every_scene_and_preset(runs):
    run = runs["list"].run
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    presets = config.preset_names()
    assert len(lines) == len(SCENES) + len(presets), run.stdout
    scenes = [line.split()[1] for line in lines if line.startswith("scene ")]
    listed_presets = [line.split()[1] for line in lines if line.startswith("preset ")]
    assert scenes == list(SCENES)
    assert listed_presets == presets


@pytest.mark.parametrize("flag", ["--help", "-h", "help"])
def test_help_names_every_scene(runs, flag):
    run = runs[f"help{flag}"].run
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    for name in SCENES:
        assert re.search(rf"\b{re.escape(name)}\b", run.stdout), name


# --- bugs found while writing these tests ---------------------------------------------------

def test_trace_with_an_out_of_range_probe(runs):
    case = runs["trace_bad_probe"]
    line = assert_usage_error(case.run)
    assert "trace.probe" in line
    assert case.files() == ["probe.toml"]


def test_trace_output_below_a_file(runs):
    case = runs["trace_output_below_a_file"]
    assert_usage_error(case.run)
    assert (case.folder / "file").read_bytes() == KNOWN


@pytest.mark.parametrize(("output", "fmt"), [("out.txt", None), ("out", "png")])
def test_scene_mismatch_suggests_a_working_format(output, fmt):
    # in-process: the destination is what every render checks before any work
    from scenes.pipeline import FORMATS, Request

    with pytest.raises(ConfigError) as info:
        Request("training", "moons", output, format=fmt).destination()
    ext = Path(output).suffix.lstrip(".")
    for suggested in re.findall(r"--format (\w+)", str(info.value)):
        assert suggested in FORMATS and suggested == ext, str(info.value)


@pytest.mark.parametrize(("given", "workers"), [
    ([], ["-n", str(min(os.cpu_count() or 1, 4)), "--dist", "loadfile"]),
    (["tests/test_config.py", "-n", "1"], []),
    (["-n3", "-k", "trace"], []),
])
def test_the_test_command_spreads_files_over_the_cores_unless_told(monkeypatch, given, workers):
    from cli import main

    calls = []
    monkeypatch.setattr(main.subprocess, "call", lambda cmd, cwd: calls.append(cmd) or 0)
    assert main.cmd_test(list(given)) == 0
    pytest_call, ruff_call = calls
    assert pytest_call[1:3] == ["-m", "pytest"] and pytest_call[3:] == workers + given
    assert ruff_call[1:] == ["-m", "ruff", "check", "."]
