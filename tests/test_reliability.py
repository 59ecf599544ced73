"""Every command refuses bad input before it works and survives interrupts, renders
running beside it and a closed stdout, driven through the real ./render.sh.

Bad input: exit code 2, one line on stderr naming the problem, no traceback, nothing
written or changed, and no training or rendering started (the in-process cases
prove that by making both fail loudly). Interrupts: exit code 2 and one line,
previous outputs byte for byte as they were, no temporary file or folder left,
no process left running.
"""

import os
import signal
import subprocess
import time
from pathlib import Path

import av
import pytest

from cli.main import main

ROOT = Path(__file__).resolve().parent.parent
RENDER = str(ROOT / "render.sh")
OLD = b"the previous output, which must survive\x00\xff"


def assert_one_line_error(code: int, err: str, *words: str) -> str:
    context = f"rc={code}\nstderr:\n{err}"
    assert code == 2, context
    assert "Traceback" not in err, context
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("render.sh: error: "), context
    for word in words:
        assert word in lines[0], context
    return lines[0]


def leftovers(*folders: Path) -> list[str]:
    """Temporary files and folders of ours left anywhere below the folders."""
    return [str(p) for folder in folders if folder.exists() for p in folder.rglob(".*")
            if p.name.startswith((".render-", ".slides-", ".tmp-", ".probe-", ".scratch-"))]


@pytest.fixture
def no_work(monkeypatch, tmp_path):
    """In-process commands, run in the test's folder: training or rendering would fail
    the test."""
    monkeypatch.chdir(tmp_path)
    def forbidden(*args, **kwargs):
        raise AssertionError("started work before refusing the input")

    import core.trainer
    import scenes.pipeline

    monkeypatch.setattr(core.trainer, "train", forbidden)
    monkeypatch.setattr(scenes.pipeline, "render_job", forbidden)


def run_main(capsys, *argv: str) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert captured.out == ""
    return code, captured.err


# --- 1. scene options have ranges, checked as they are parsed --------------------------------

@pytest.mark.parametrize("argv", [
    ["chain-rule", "--x", "nan"], ["chain-rule", "--x", "inf"], ["chain-rule", "--x", "1e400"],
    ["chain-rule", "--x", "-1e400"], ["chain-rule", "--y", "1e200"], ["chain-rule", "--y", "x"],
    ["chain-rule", "--x", "100.5"],
    ["training", "--duration", "0"], ["training", "--duration", "-1"],
    ["training", "--duration", "nan"], ["training", "--duration", "1e9"],
    ["training", "--hold", "nan"], ["training", "--hold", "-1"], ["training", "--hold", "61"],
    ["cycle", "--iterations", "0"], ["cycle", "--iterations", "-1"],
    ["cycle", "--iterations", "11"], ["cycle", "--iterations", "2.5"],
    ["forward", "--precision", "0"], ["backward", "--precision", "7"],
    ["forward", "--pace", "0.2"], ["chain-rule", "--pace", "5"], ["cycle", "--pace", "nan"],
    ["forward", "--sample", "0"], ["backward", "--sample", "1.5"],
    ["all", "-j", "0"], ["all", "-j", "-3"], ["all", "-j", "1000"],
])
def test_out_of_range_options_are_refused_with_the_range(capsys, no_work, tmp_path, argv):
    code, err = run_main(capsys, *argv)
    line = assert_one_line_error(code, err, argv[1], " from ", "--help")
    assert argv[2] in line, "the value as typed"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("argv", "value"), [
    (["chain-rule", "--x", "-100", "--y", "100"], {"x": -100.0, "y": 100.0}),
    (["training", "--duration", "1", "--hold", "0"], {"duration": 1.0, "hold": 0.0}),
    (["cycle", "--iterations", "10"], {"iterations": 10}),
    (["forward", "--pace", "0.25"], {"pace": 0.25}), (["backward", "--pace", "4"], {"pace": 4.0}),
])
def test_range_ends_are_accepted(argv, value):
    from cli.args import scene_parser
    from scenes.registry import SCENES

    args = vars(scene_parser(SCENES[argv[0]]).parse_args(argv[1:]))
    assert {k: args[k] for k in value} == value
    assert all(type(args[k]) is type(v) for k, v in value.items())


# --- 2. every check before training and rendering --------------------------------------------

def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("scene", "toml", "words"), [
    ("training", '[network]\nlayers = [3, 4, 1]\n[data]\ndataset = "inline"\n'
                 'X = [[0, 0, 1], [1, 0, 0]]\ny = [0, 1]\n', ["1-D or 2-D", "starts with 3"]),
    ("training", '[network]\nlayers = [1, 4, 1]\n[data]\ndataset = "sine"\n',
     ["'sine' has real targets", "loss = 'mse'"]),
    ("training", '[network]\nlayers = [2, 4, 1]\nloss = "mse"\noutput = "linear"\n'
                 '[data]\ndataset = "sine"\n', ["'sine' has 1 input", "start with 1"]),
    ("training", '[network]\nlayers = [2, 3, 2]\nloss = "sse"\noutput = "linear"\n'
                 '[data]\ndataset = "inline"\nX = [[0, 1], [1, 0]]\ny = [[0.1, 0.9], [0.4, 0.2]]\n',
     ["2 real-valued outputs"]),
    ("forward", "[network]\nlayers = [2, 30, 1]\n[train]\niterations = 1000000\n",
     ["too large", "at most 4 layers"]),
    ("backward", "[network]\nlayers = [2, 4, 4, 4, 1]\n", ["too large"]),
    ("cycle", "[network]\nlayers = [2, 3, 1]\n[train]\niterations = 2\n",
     ["--iterations 3", "train.iterations = 2"]),
])
def test_a_config_the_scene_cannot_show_is_refused_before_training(capsys, no_work, tmp_path,
                                                                    scene, toml, words):
    config = write(tmp_path, "my.toml", toml)
    code, err = run_main(capsys, scene, "--config", config, "-o", tmp_path / "out.mp4")
    assert_one_line_error(code, err, *words)
    assert [p.name for p in tmp_path.iterdir()] == ["my.toml"]


@pytest.mark.parametrize(("argv", "words"), [
    (["forward", "--theme", "neon"], ["--theme 'neon'", "dark or light", ".toml"]),
    (["forward", "--theme", "gone.toml"], ["theme file gone.toml not found"]),
    (["chain-rule", "--theme", "half.toml"], ["theme half.toml has no 'text'", "dark.toml"]),
    (["slides", "chain-rule", "--theme", "half.toml", "-o", "d.pdf"], ["has no 'text'"]),
    (["all", "--theme", "half.toml"], ["has no 'text'"]),
])
def test_a_theme_file_is_checked_before_any_work(capsys, no_work, tmp_path, argv, words):
    write(tmp_path, "half.toml", 'background = "#000000"\n')
    code, err = run_main(capsys, *argv)
    assert_one_line_error(code, err, *words)
    assert [p.name for p in tmp_path.iterdir()] == ["half.toml"]


@pytest.mark.parametrize("argv", [[], ["slides", "forward", "training", "-o", "deck.pdf"]])
def test_commands_of_several_scenes_check_them_all_before_the_first_trains(
        capsys, no_work, tmp_path, monkeypatch, argv):
    from core.errors import ConfigError
    from scenes.training import TrainingScene

    def refuse(config, options):
        raise ConfigError("the last scene refuses its config")

    monkeypatch.setattr(TrainingScene, "check_config", staticmethod(refuse))
    code, err = run_main(capsys, *argv)  # forward would train first: no_work says if it did
    assert_one_line_error(code, err, "the last scene refuses")
    assert list(tmp_path.iterdir()) == []


# --- 3. output paths checked before any work, never destroyed --------------------------------

def output_cases(folder: Path) -> dict[str, tuple[list, str]]:
    """name: (arguments, a word the error names)."""
    (folder / "a-file").write_bytes(OLD)
    (folder / "a-folder.mp4").mkdir()
    (folder / "a-folder.npz").mkdir()
    (folder / "deck-folder.pdf").mkdir()
    return {
        "empty": (["forward", "-o", ""], "-o is empty"),
        "empty trace": (["trace", "post", "-o", ""], "-o is empty"),
        "under a file": (["forward", "-o", folder / "a-file" / "x.mp4"], "not a folder"),
        "deep under a file": (["training", "-o", folder / "a-file" / "x" / "y.gif"],
                              "not a folder"),
        "trace under a file": (["trace", "post", "-o", folder / "a-file" / "x.npz"],
                               "not a folder"),
        "deck under a file": (["slides", "forward", "-o", folder / "a-file" / "d.pdf"],
                              "not a folder"),
        "a folder": (["forward", "-o", folder / "a-folder.mp4"], "is a folder"),
        "trace to a folder": (["trace", "post", "-o", folder / "a-folder.npz"], "is a folder"),
        "deck to a folder": (["slides", "forward", "-o", folder / "deck-folder.pdf"],
                             "is a folder"),
        "in /proc": (["forward", "-o", "/proc/x.mp4"], "cannot write"),
        "trace in /proc": (["trace", "post", "-o", "/proc/self/x.npz"], "/proc"),
    }


@pytest.mark.parametrize("name", ["empty", "empty trace", "under a file", "deep under a file",
                                  "trace under a file", "deck under a file", "a folder",
                                  "trace to a folder", "deck to a folder", "in /proc",
                                  "trace in /proc"])
def test_an_output_that_cannot_be_written_is_refused_first(capsys, no_work, tmp_path, name):
    default = tmp_path / "media" / "forward-post.mp4"  # what an empty -o once overwrote
    default.parent.mkdir()
    default.write_bytes(OLD)
    argv, word = output_cases(tmp_path)[name]
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    code, err = run_main(capsys, *argv)
    assert_one_line_error(code, err, word)
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before, "nothing created"
    assert default.read_bytes() == OLD and (tmp_path / "a-file").read_bytes() == OLD


@pytest.mark.parametrize(("argv", "words"), [
    (["slides", "forward", "--x", "3", "-o", "d.pdf"], ["--x"]),
    (["slides", "forward", "cycle", "--pace", "9", "-o", "d.pdf"], ["--pace", "9"]),
    (["slides", "forward", "--sample", "5", "--config", "{xor}", "-o", "d.pdf"],
     ["--sample 5", "1 to 4"]),
    (["slides", "forward", "--config", "nowhere.toml", "-o", "d.pdf"], ["nowhere.toml"]),
])
def test_a_deck_refuses_options_its_scenes_do_not_take(capsys, no_work, tmp_path, argv,
                                                      words):
    xor = tmp_path / "xor.toml"
    xor.write_text('[network]\nlayers = [2, 2, 1]\n[data]\ndataset = "inline"\n'
                   'X = [[0, 0], [0, 1], [1, 0], [1, 1]]\ny = [0, 1, 1, 0]\n', encoding="utf-8")
    code, err = run_main(capsys, *[a.format(xor=xor) for a in argv])
    assert_one_line_error(code, err, *words)
    assert not (tmp_path / "d.pdf").exists()


def test_the_gallery_refuses_a_folder_it_cannot_write(capsys, no_work, tmp_path):
    (tmp_path / "media").write_bytes(OLD)
    for command in ("all", "gallery"):
        code, err = run_main(capsys, command)
        assert_one_line_error(code, err, "the gallery", "not a folder")
    assert (tmp_path / "media").read_bytes() == OLD


# --- 4. extreme data ------------------------------------------------------------------------

@pytest.mark.parametrize(("files", "words"), [
    ({"c.toml": '[data]\ndataset = "csv"\npath = "BIG"\n', "big.csv":
      "x1,x2,label\n1e308,1,0\n2,3,1\n1,1,0\n"}, ["line 2, column 1", "1e308", "rescale"]),
    ({"c.toml": '[data]\ndataset = "inline"\nX = [[1e300, 0], [0, 1]]\ny = [0, 1]\n'},
     ["data.X[0]", "rescale"]),
    ({"c.toml": '[data]\ndataset = "inline"\nX = [[1, 0], [0, 1]]\ny = [0, -2e7]\n'
                '[network]\nloss = "mse"\noutput = "linear"\n'}, ["data.y[1]"]),
    ({"c.toml": '[network]\nlayers = [2, 1]\ninit = "explicit"\nweights = [[[1e300], [1]]]\n'},
     ["network.weights[0]", "smaller"]),
    ({"c.toml": "a = " + "[" * 5000 + "]" * 5000 + "\n"}, ["nested too deeply"]),
    ({"c.toml": "[train]\noptimizer = \"adam\"\nbeta1 = 1.0\n"}, ["train.beta1", "< 1"]),
    ({"c.toml": "[train]\noptimizer = \"adam\"\nbeta2 = 1\n"}, ["train.beta2", "< 1"]),
])
def test_extreme_data_is_refused_in_one_line(capsys, no_work, tmp_path, files, words):
    for name, text in files.items():
        write(tmp_path, name, text.replace("BIG", str(tmp_path / "big.csv")))
    for argv in (["trace", tmp_path / "c.toml", "-o", tmp_path / "t.npz"],
                 ["training", "--config", tmp_path / "c.toml", "-o", tmp_path / "t.mp4"]):
        code, err = run_main(capsys, *argv)
        assert_one_line_error(code, err, *words)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files)


def test_values_at_the_data_limit_still_train():
    from core import config, trainer
    from core.datasets import MAX_VALUE

    raw = config.resolve({"data": {"dataset": "inline", "X": [[MAX_VALUE, 0], [0, -MAX_VALUE],
                                                              [1, 1]], "y": [0, 1, 1]},
                          "train": {"iterations": 5, "optimizer": "adam", "beta1": 0.999999},
                          "trace": {"grid": 10, "frames": 2, "neuron_grid": 4}})
    trace = trainer.train(raw)
    assert trace.n_states >= 1 and float(trace["grid_extent"][1]) >= MAX_VALUE


# --- 5. interrupts: SIGINT, SIGTERM, SIGHUP at every stage ----------------------------------

def start(argv: list, cwd: Path, env: dict | None = None,
          stdout=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen([RENDER, *map(str, argv)], cwd=cwd, stdout=stdout,
                            stderr=subprocess.PIPE, text=True, env=env)


def wait_for(condition, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def in_python(process: subprocess.Popen) -> bool:
    """render.sh has handed over to Python (exec keeps the process id)."""
    try:
        return b"-m\0cli" in Path(f"/proc/{process.pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False


def catches(process: subprocess.Popen, sig: int) -> bool:
    """The process has a handler for the signal (the kernel's SigCgt mask)."""
    try:
        status = Path(f"/proc/{process.pid}/status").read_text()
    except FileNotFoundError:
        return False
    mask = int(next(line.split()[1] for line in status.splitlines()
                    if line.startswith("SigCgt:")), 16)
    return bool(mask >> (sig - 1) & 1)


def slow_setup_env(tmp_path: Path) -> dict:
    """render.sh's package check takes 7 × 0.5 s: a window to interrupt its set-up."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "dpkg-query"
    fake.write_text("#!/bin/sh\nsleep 0.5\necho 'install ok installed'\n")
    fake.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


def finish(process: subprocess.Popen, timeout: float = 60.0) -> tuple[int, str]:
    out, err = process.communicate(timeout=timeout)
    assert out == "", "nothing was written, so no path is printed"
    return process.returncode, err


@pytest.mark.parametrize("stage", ["set-up", "start-up", "rendering"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
                         ids=lambda sig: sig.name)
def test_an_interrupted_render_changes_nothing(tmp_path, sig, stage):
    out = tmp_path / "out" / "forward.mp4"
    out.parent.mkdir()
    out.write_bytes(OLD)
    out.with_suffix(".vtt").write_bytes(OLD)
    env = {**(slow_setup_env(tmp_path) if stage == "set-up" else os.environ),
           "BACKPROP_CACHE": str(tmp_path / "cache")}  # its own, to see what is left in it
    process = start(["forward", "-q", "l", "-o", out], tmp_path, env)
    if stage == "set-up":
        time.sleep(0.3)
        assert not in_python(process)
    elif stage == "start-up":
        # the moment Python's handlers are in place: its imports go on for 0.2 s more
        wait_for(lambda: in_python(process) and catches(process, sig), "Python's handlers")
    else:
        wait_for(lambda: any(out.parent.glob(".render-*/**/partial_movie_files/**/*.mp4")),
                 "frames being encoded")
    process.send_signal(sig)
    code, err = finish(process)
    assert_one_line_error(code, err, "interrupted", "no output file was changed")
    assert out.read_bytes() == OLD and out.with_suffix(".vtt").read_bytes() == OLD
    assert sorted(p.name for p in out.parent.iterdir()) == ["forward.mp4", "forward.vtt"]
    assert leftovers(tmp_path) == []


def test_an_interrupted_trace_keeps_the_old_trace(tmp_path):
    config = write(tmp_path, "long.toml", "[train]\niterations = 1000000\n"
                                          "[trace]\nframes = 2\nneuron_grid = 0\n")
    out = tmp_path / "run.npz"
    out.write_bytes(OLD)
    process = start(["trace", config, "-o", out], tmp_path)
    wait_for(lambda: in_python(process), "Python")
    time.sleep(2.0)  # training by now
    process.send_signal(signal.SIGTERM)
    code, err = finish(process)
    assert_one_line_error(code, err, "SIGTERM", "no output file was changed")
    assert out.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.toml", "run.npz"]


def test_an_interrupted_deck_keeps_the_old_deck(tmp_path):
    deck = tmp_path / "deck.pdf"
    deck.write_bytes(OLD)
    process = start(["slides", "forward", "cycle", "-q", "l", "-o", deck], tmp_path)
    wait_for(lambda: any(tmp_path.glob(".slides-*/.render-*")), "the first scene's render")
    process.send_signal(signal.SIGINT)
    code, err = finish(process)
    assert_one_line_error(code, err, "SIGINT")
    assert deck.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pdf"]


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def gallery_with_old_outputs(tmp_path: Path) -> Path:
    gallery = tmp_path / "media" / "gallery"
    gallery.mkdir(parents=True)
    for name in ("forward-post.mp4", "forward-post.vtt", "backward-post.mp4", "manifest.json"):
        (gallery / name).write_bytes(OLD)
    return gallery


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=lambda sig: sig.name)
def test_stopping_all_stops_its_workers(tmp_path, sig):
    """SIGINT: the workers are stopped and the command says what it finished. SIGKILL
    (no clean-up possible in the parent): the workers stop all the same."""
    gallery = gallery_with_old_outputs(tmp_path)
    process = start(["all", "-q", "l", "-j", "2"], tmp_path)
    wait_for(lambda: len(list(gallery.glob(".render-*"))) == 2, "two workers rendering")
    workers = children(process.pid)
    assert len(workers) == 2
    process.send_signal(sig)
    out, err = process.communicate(timeout=60)
    wait_for(lambda: not any(alive(pid) for pid in workers), "the workers to stop", 60)
    if sig == signal.SIGINT:
        line = assert_one_line_error(process.returncode, err, "interrupted (SIGINT)")
    else:
        assert process.returncode == -signal.SIGKILL
        line = ""
    wait_for(lambda: leftovers(gallery) == [], "the workers' clean-up", 30)
    for path in gallery.iterdir():  # as it was, unless reported finished
        assert path.read_bytes() == OLD or str(path.relative_to(tmp_path)) in line + out, path


# --- 6. renders side by side ----------------------------------------------------------------

def test_renders_at_the_same_time_share_the_cache_safely(tmp_path):
    """Three renders at once on an empty cache, two of them to the same file: manim's
    LaTeX and SVG files once collided in the shared cache folders."""
    env = {**os.environ, "BACKPROP_CACHE": str(tmp_path / "cache")}
    outs = [tmp_path / "a.mp4", tmp_path / "a.mp4", tmp_path / "b.mp4"]
    processes = [start([scene, "-q", "l", "-o", out], tmp_path, env)
                 for scene, out in zip(["chain-rule", "chain-rule", "forward"], outs)]
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0 and err == "", err[-3000:]
    for out in set(outs):
        with av.open(str(out)) as video:
            assert video.streams.video[0].frames > 10
    assert any((tmp_path / "cache" / "Tex").glob("*.svg"))
    assert leftovers(tmp_path) == []


# --- 7. a closed stdout ---------------------------------------------------------------------

def test_a_closed_stdout_neither_stops_the_render_nor_splits_its_files(tmp_path):
    out = tmp_path / "forward.mp4"
    out.write_bytes(OLD)
    out.with_suffix(".vtt").write_bytes(OLD)
    reader, writer = os.pipe()
    os.close(reader)  # like `| head -0`: every write to stdout fails
    process = start(["forward", "-q", "l", "-o", out], tmp_path, stdout=writer)
    os.close(writer)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0 and err == "", err
    assert out.read_bytes() != OLD and out.with_suffix(".vtt").read_text().startswith("WEBVTT")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forward.mp4", "forward.vtt"]


@pytest.mark.parametrize("argv", [["list"], ["--help"], ["forward", "--help"]])
def test_a_closed_stdout_gives_no_traceback(tmp_path, argv):
    reader, writer = os.pipe()
    os.close(reader)
    process = start(argv, tmp_path, stdout=writer)
    os.close(writer)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0 and err == "", err


def test_one_line_errors_reach_the_terminal_through_render_sh(tmp_path):
    """The in-process cases above run what render.sh runs; one case end to end."""
    process = start(["chain-rule", "--x", "nan", "-o", tmp_path / "x.mp4"], tmp_path)
    code, err = finish(process)
    assert_one_line_error(code, err, "--x", "nan", "-100 to 100")
    assert list(tmp_path.iterdir()) == []
