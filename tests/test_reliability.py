"""Every command refuses bad input before it works, driven in process and through the
real ./render.sh: exit code 2, one line on stderr naming the problem, no traceback,
nothing written or changed, and no training or rendering started (the in-process
cases prove that by making both fail loudly). Interrupts, renders running beside
each other and a closed stdout: tests/test_interrupted_commands.py.
"""

from pathlib import Path

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
    ("cycle", "[network]\nlayers = [2, 3, 1]\n[train]\niterations = 1\n",
     ["--iterations 2", "train.iterations = 1"]),
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
