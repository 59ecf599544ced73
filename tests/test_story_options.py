"""The story scenes' --sample and --pace, run without drawing frames."""

import pytest
from manim import tempconfig

from core.errors import ConfigError
from scenes import cache
from scenes.registry import SCENES
from scenes.settings import prepare

XOR = """
[network]
layers = [2, 2, 1]
activation = "tanh"
output = "sigmoid"
loss = "bce"
seed = 4
[data]
dataset = "inline"
X = [[0, 0], [0, 1], [1, 0], [1, 1]]
y = [0, 1, 1, 0]
[train]
iterations = 1
"""


def run(name: str, config_path: str, **options):
    scene_class = SCENES[name].load()
    settings = prepare(scene_class, config_path, **options)
    made = type(scene_class.__name__, (scene_class,), {"settings": settings})
    quiet = {"dry_run": True, "quality": "low_quality", "disable_caching": True,
             "verbosity": "ERROR", "progress_bar": "none"}
    with cache.Scratch() as scratch, tempconfig(quiet | scratch.dirs):
        scene = made()
        scene.render()
        scratch.keep()
    return scene


@pytest.fixture(scope="module")
def xor(tmp_path_factory):
    path = tmp_path_factory.mktemp("configs") / "xor.toml"
    path.write_text(XOR, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("sample, inputs", [(1, "x₁ = 0, x₂ = 0, y = 0"),
                                            (3, "x₁ = 1, x₂ = 0, y = 1"),
                                            (4, "x₁ = 1, x₂ = 1, y = 0")])
def test_sample_chooses_the_row_shown(xor, sample, inputs):
    scene = run("forward", xor, sample=sample)
    assert scene.captions[0][2] == "forward pass: " + inputs


def test_a_sample_beyond_the_data_is_refused_before_training(xor):
    with pytest.raises(ConfigError, match=r"--sample 5: the data has 4 sample\(s\); choose 1 to 4"):
        prepare(SCENES["backward"].load(), xor, sample=5)


@pytest.mark.parametrize("name", ["forward", "chain-rule"])
def test_pace_scales_every_step_and_hold(name):
    lengths = {pace: run(name, "post", pace=pace).captions[-1][1] for pace in (1.0, 2.0, 0.5)}
    assert lengths[2.0] == pytest.approx(2 * lengths[1.0], rel=0.02)
    assert lengths[0.5] == pytest.approx(0.5 * lengths[1.0], rel=0.02)
    assert lengths[1.0] > 10
