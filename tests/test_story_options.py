"""The story scenes' --sample and --pace, run without drawing frames."""

import pytest

from core.errors import ConfigError
from scenes.registry import SCENES
from scenes.settings import prepare
from tests import dry_run

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
    return dry_run.run(scene_class, prepare(scene_class, config_path, **options))


@pytest.fixture(scope="module")
def xor(tmp_path_factory):
    path = tmp_path_factory.mktemp("configs") / "xor.toml"
    path.write_text(XOR, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("sample, inputs", [(3, "x₁ = 1, x₂ = 0, y = 1"),
                                            (4, "x₁ = 1, x₂ = 1, y = 0")])
def test_sample_chooses_the_row_shown(xor, sample, inputs):
    scene = run("forward", xor, sample=sample)
    assert scene.captions[0][2] == "forward pass: " + inputs


def test_a_sample_beyond_the_data_is_refused_before_training(xor):
    with pytest.raises(ConfigError, match=r"--sample 5: the data has 4 sample\(s\); choose 1 to 4"):
        prepare(SCENES["backward"].load(), xor, sample=5)


@pytest.mark.parametrize("name, paces", [("forward", (0.5, 2.0)), ("chain-rule", (2.0,))])
def test_pace_scales_every_step_and_hold(name, paces):
    lengths = {pace: run(name, "post", pace=pace).captions[-1][1] for pace in (1.0, *paces)}
    for pace in paces:
        assert lengths[pace] == pytest.approx(pace * lengths[1.0], rel=0.02)
    assert lengths[1.0] > 10
