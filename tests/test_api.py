"""The Python API: training and reading traces from core, rendering from scenes, scene
classes made from a config and options, and README's snippets exactly as written."""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import core
from core import config, trainer
from core.errors import ConfigError
from core.network import forward

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


# --- core: train, load_trace and the trace's accessors ----------------------------------------

@pytest.fixture(scope="module")
def post():
    return core.train("post")


def test_train_takes_a_preset_a_file_or_a_dict(tmp_path, post):
    path = tmp_path / "mine.toml"
    path.write_text((config.PRESET_DIR / "post.toml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    for source in (str(path), path, config.load("post")):
        again = core.train(source)
        assert np.array_equal(again.loss, post.loss)
    with pytest.raises(ConfigError, match="train.learning_rate"):
        core.train({"train": {"learning_rate": -1}})


def test_a_saved_trace_loads_with_the_same_accessors(tmp_path, post):
    from core import trace

    loaded = core.load_trace(trace.save(post, tmp_path / "post.npz"))
    assert loaded.config == post.config
    assert np.array_equal(loaded.weight_history(1), post.weight_history(1))


def test_node_layers_are_numbered_as_the_diagram(post):
    """activations(0) is the input and activations(L) the output; each equals a
    forward pass of the recorded weights (an independent computation)."""
    t = 3
    x = post.X[post.probes]
    assert np.array_equal(post.activations(0)[t], x)
    passed = forward(post.network(t), x)
    for layer in (1, 2):
        assert np.allclose(post.pre_activations(layer)[t], passed.Z[layer - 1])
        assert np.allclose(post.activations(layer)[t], passed.A[layer - 1])
    # the chain rule's parts at the hidden layer multiply to its delta
    assert np.allclose(post.upstream(1)[t] * post.local_derivatives(1)[t], post.deltas(1)[t])
    with pytest.raises(IndexError, match="1 to 1"):
        post.upstream(2)  # the output layer has no upstream ∂L/∂a record
    with pytest.raises(IndexError, match="0 to 1"):
        post.weight_history(2)


def test_weight_layers_join_node_layers(post):
    t = 2
    for i in range(post.n_weight_layers):
        assert post.weight_history(i)[t].shape == (post.layers[i], post.layers[i + 1])
        assert np.array_equal(post.weight_history(i)[t], post.weights(t)[i])
        dW, db = post.gradients(t)
        assert np.array_equal(post.weight_gradients(i)[t], dW[i])
        assert np.array_equal(post.bias_gradients(i)[t], db[i])
    # full batch, plain SGD: each update is the learning rate times the gradient
    lr = post.config.train.learning_rate
    step = post.weight_history(0)[t + 1] - post.weight_history(0)[t]
    assert np.allclose(step, -lr * post.weight_gradients(0)[t])


def test_the_config_is_typed_and_round_trips(post):
    cfg = post.config
    assert cfg.network.activation == "sigmoid" and cfg.train.learning_rate == 0.1
    assert cfg.as_dict() == config.load("post")
    with pytest.raises(AttributeError):
        cfg.network.activation = "tanh"  # frozen: a trace's config is what it was run with


def test_a_data_path_is_read_from_the_config_files_folder(tmp_path, monkeypatch):
    folder = tmp_path / "lesson"
    folder.mkdir()
    (folder / "points.csv").write_text("x1,x2,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n",
                                       encoding="utf-8")
    (folder / "lesson.toml").write_text('[network]\nlayers = [2, 2, 1]\n[data]\n'
                                        'dataset = "csv"\npath = "points.csv"\n'
                                        '[train]\niterations = 2\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    run = core.train(str(tmp_path / "lesson" / "lesson.toml"))
    assert run.X.shape == (4, 2)
    with pytest.raises(ConfigError, match="points.csv: file not found"):
        core.train({"data": {"dataset": "csv", "path": "points.csv"}})  # a dict: from here


# --- scenes: render, deck and scene classes ------------------------------------------------------

def test_importing_scenes_does_not_load_manim():
    code = "import sys, scenes, core; assert 'manim' not in sys.modules, 'manim loaded'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.fixture
def no_training(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("trained before refusing the input")

    monkeypatch.setattr(trainer, "train", forbidden)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"precision": 9}, "--precision"),
    ({"colour": "red"}, "unknown option 'colour'"),
    ({"quality": "x"}, "quality 'x'"),
    ({"theme": "neon"}, "--theme 'neon'"),
    ({"lang": "fr"}, "language 'fr'"),
    ({"output": "out.txt"}, "does not end in .mp4"),
    ({"config": "nope"}, "unknown preset 'nope'"),
])
def test_render_refuses_bad_input_before_training(tmp_path, no_training, kwargs, words):
    import scenes

    kwargs = {"output": tmp_path / "f.mp4"} | kwargs
    with pytest.raises(ConfigError, match=re.escape(words)):
        scenes.render("forward", **kwargs)
    with pytest.raises(ConfigError, match="unknown scene"):
        scenes.render("sideways", output=tmp_path / "s.mp4")
    assert list(tmp_path.iterdir()) == []


def test_a_scene_class_takes_its_config_and_options(tmp_path):
    import scenes
    from scenes.forward import ForwardScene

    made = ForwardScene(config="post", precision=2, lang="ko")
    assert made.settings.options["precision"] == 2 and made.settings.lang == "ko"

    class TwoDecimals(ForwardScene, config="post", precision=2):
        pass

    assert TwoDecimals.settings.options == {"precision": 2, "pace": 1.0, "sample": None}
    assert TwoDecimals.registered().name == "forward"
    assert ForwardScene.settings is None, "the base class is left as it was"
    with pytest.raises(ConfigError, match="--precision"):
        ForwardScene(config="post", precision=0)
    assert scenes.ForwardScene is ForwardScene


def test_a_theme_file_of_ones_own(tmp_path):
    from scenes.settings import ASSETS, load_theme

    text = (ASSETS / "themes" / "light.toml").read_text(encoding="utf-8")
    mine = tmp_path / "sepia.toml"
    mine.write_text(text.replace('background = "#ffffff"', 'background = "#f4ecd8"'),
                    encoding="utf-8")
    assert load_theme(mine)["background"] == "#f4ecd8"
    mine.write_text(text.replace('text = "#1b1e24"', 'text = "dark"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="text must be a colour written #rrggbb"):
        load_theme(mine)
    mine.write_text(text.replace('muted = "#5d6676"\n', ""), encoding="utf-8")
    with pytest.raises(ConfigError, match="has no 'muted'"):
        load_theme(mine)


def readme_snippets() -> list[tuple[str, str]]:
    section = README.split("## From Python and Jupyter", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(python|ipython)\n(.*?)```", section, re.S)


def test_readme_python_and_jupyter_snippets_run_as_written(tmp_path):
    """Each snippet of README's section, in order, as the cells of one notebook (an
    IPython shell in a fresh interpreter); the files they name are written."""
    blocks = readme_snippets()
    assert [kind for kind, _ in blocks] == ["python", "python", "python", "python", "ipython",
                                            "ipython"]
    script = ("from IPython.core.interactiveshell import InteractiveShell\n"
              "shell = InteractiveShell.instance()\n"
              "import sys\n"
              f"for cell in {[code for _, code in blocks]!r}:\n"
              "    if cell.startswith('%%manim'):\n"
              "        print('%%manim starts', file=sys.stderr, flush=True)\n"
              "    result = shell.run_cell(cell)\n"
              "    assert result.success, (cell, result.error_before_exec, "
              "result.error_in_exec)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    for name in ("chain.mp4", "forward.png", "lecture.pdf"):
        assert (tmp_path / "media" / name).stat().st_size > 1000, name
    assert not (tmp_path / "media" / "forward.vtt").exists(), "no captions beside a still"
    assert list((tmp_path / "media" / "videos").rglob("MyForward.mp4")), "%%manim rendered"
    assert (tmp_path / "media" / "videos" / "480p15" / "boundary-and-loss.mp4").exists()
    ours, _ = run.stderr.split("%%manim starts\n")
    assert ours == "", "scenes.render and scenes.deck print nothing on stderr"
    lines = run.stdout.splitlines()
    assert "media/chain.mp4" in lines and "sigmoid" in lines
    accuracy = next(line for line in lines if " -> " in line)
    assert accuracy.startswith("0.47 -> 0.95"), "as README's comment says: gelu learns xor"


# --- the codebase's boundaries -----------------------------------------------------------------

def imports_of(path: Path) -> set[str]:
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(("package", "never"), [
    ("core", ("scenes", "cli", "manim", "manim_slides")),
    ("scenes", ("cli",)),
    ("cli", ("manim", "manim_slides", "av", "PIL")),  # parses and dispatches: no rendering
])
def test_imports_run_one_way(package, never):
    for path in (ROOT / package).rglob("*.py"):
        bad = {name for name in imports_of(path) if name.split(".")[0] in never}
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_no_module_shadows_the_standard_library():
    """``manim scenes/forward.py`` puts scenes/ first on sys.path: a scenes/numbers.py
    would stand in for the standard library's numbers module."""
    clashes = {p.stem for p in (ROOT / "scenes").glob("*.py")} & set(sys.stdlib_module_names)
    assert not clashes, f"scenes/ shadows {sorted(clashes)}"


def test_every_label_is_used_and_translated():
    import tomllib

    labels = tomllib.loads((ROOT / "assets" / "labels.toml").read_text(encoding="utf-8"))
    assert set(labels["en"]) == set(labels["ko"])
    source = "".join(p.read_text(encoding="utf-8") for package in ("scenes", "cli")
                     for p in (ROOT / package).rglob("*.py"))
    unused = [key for key in labels["en"] if not re.search(rf"""['"]{key}['"]""", source)]
    assert unused == []
