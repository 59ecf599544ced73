"""Real targets, one per output unit (inline rows or CSV columns), and the textbook
squared error sse, checked against a published worked example."""

import numpy as np
import pytest

from core import config, trainer
from core.errors import ConfigError

# Matt Mazur's "A Step by Step Backpropagation Example": 2-2-2 sigmoid, biases 0.35 and
# 0.60, inputs 0.05 and 0.10, targets 0.01 and 0.99, learning rate 0.5, E = ½ Σ (t − o)².
# weights[0][i][j] is input i to hidden j: w1 = 0.15 (i1→h1), w2 = 0.20 (i2→h1), ...
MAZUR = {
    "network": {"layers": [2, 2, 2], "activation": "sigmoid", "output": "sigmoid",
                "loss": "sse", "init": "explicit",
                "weights": [[[0.15, 0.25], [0.20, 0.30]], [[0.40, 0.50], [0.45, 0.55]]],
                "biases": [[0.35, 0.35], [0.60, 0.60]]},
    "data": {"dataset": "inline", "X": [[0.05, 0.10]], "y": [[0.01, 0.99]]},
    "train": {"learning_rate": 0.5, "iterations": 1},
}


def test_the_textbook_example_gives_its_published_numbers():
    trace = trainer.train(config.resolve(MAZUR))
    assert trace["loss"][0] == pytest.approx(0.298371109, abs=5e-10)
    w = trace.weights(1)
    # w5..w8 and w1..w4 after one update, as published (9 decimals)
    np.testing.assert_allclose(w[1], [[0.35891648, 0.511301270], [0.408666186, 0.561370121]],
                               atol=5e-9)
    np.testing.assert_allclose(w[0], [[0.149780716, 0.24975114], [0.19956143, 0.29950229]],
                               atol=5e-9)
    assert trace["y"].shape == (1, 2)


def test_mse_is_the_mean_over_outputs_and_sse_the_sum():
    sse = trainer.train(config.resolve(MAZUR))
    mse = trainer.train(config.resolve(MAZUR | {"network": MAZUR["network"] | {"loss": "mse"}}))
    assert mse["loss"][0] == pytest.approx(sse["loss"][0] / 2)
    assert not np.allclose(mse.weights(1)[1], sse.weights(1)[1]), "half the gradient"


def test_one_output_sse_equals_mse():
    raw = {"network": {"layers": [2, 3, 1], "output": "linear", "loss": "sse", "seed": 1},
           "data": {"dataset": "inline", "X": [[0, 1], [1, 0], [1, 1]], "y": [0.5, -1.5, 2.0]},
           "train": {"iterations": 5}}
    sse = trainer.train(config.resolve(raw))
    mse = trainer.train(config.resolve(raw | {"network": raw["network"] | {"loss": "mse"}}))
    np.testing.assert_array_equal(sse["loss"], mse["loss"])
    np.testing.assert_array_equal(sse["W1"], mse["W1"])


def write_csv(tmp_path, text: str) -> dict:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return {"network": {"layers": [2, 3, 2], "output": "sigmoid", "loss": "sse"},
            "data": {"dataset": "csv", "path": str(path)}, "train": {"iterations": 2}}


@pytest.mark.parametrize("header", ["", "a,b,first target,second target\n"])
def test_csv_holds_inputs_then_one_column_per_output(tmp_path, header):
    raw = write_csv(tmp_path, header + "0.05,0.10,0.01,0.99\n0.3,-0.2,0.5,0.25\n")
    trace = trainer.train(config.resolve(raw))
    np.testing.assert_array_equal(trace["y"], [[0.01, 0.99], [0.5, 0.25]])
    np.testing.assert_array_equal(trace["X"], [[0.05, 0.10], [0.3, -0.2]])


def test_csv_of_one_regression_target(tmp_path):
    path = tmp_path / "sine.csv"
    path.write_text("x,y\n0.0,0.0\n0.5,0.4794\n1.0,-0.1411\n", encoding="utf-8")
    raw = {"network": {"layers": [1, 4, 1], "output": "linear", "loss": "mse"},
           "data": {"dataset": "csv", "path": str(path)}, "train": {"iterations": 2}}
    trace = trainer.train(config.resolve(raw))
    np.testing.assert_array_equal(trace["y"], [0.0, 0.4794, -0.1411])


@pytest.mark.parametrize(("raw_data", "words"), [
    ({"X": [[0, 1], [1, 0]], "y": [[0.1, 0.9], [0.2]]}, ["data.y[1]", "same", "length"]),
    ({"X": [[0, 1], [1, 0]], "y": [[0.1, 0.9], 0.5]}, ["data.y[1]", "one number per row"]),
    ({"X": [[0, 1], [1, 0]], "y": [[0.1, 0.9, 0.3], [0.2, 0.1, 0.3]]},
     ["3 target(s) per row", "layers ends in 2"]),
    ({"X": [[0, 1], [1, 0]], "y": [[0.1, "a"], [0.2, 0.1]]}, ["data.y[0][1]"]),
])
def test_bad_targets_name_row_and_count(raw_data, words):
    raw = {"network": {"layers": [2, 2], "output": "sigmoid", "loss": "sse"},
           "data": {"dataset": "inline"} | raw_data}
    with pytest.raises(ConfigError) as info:
        trainer.check(config.resolve(raw))
    for word in words:
        assert word in str(info.value), str(info.value)


def test_a_csv_row_of_the_wrong_width_names_line_and_counts(tmp_path):
    raw = write_csv(tmp_path, "0.05,0.10,0.01,0.99\n0.3,-0.2,0.5\n")
    with pytest.raises(ConfigError, match=r"line 2: 3 columns, expected 4: 2 input\(s\)"):
        trainer.check(config.resolve(raw))


def test_classification_losses_keep_one_label_per_row():
    raw = {"network": {"layers": [2, 2], "output": "softmax", "loss": "ce"},
           "data": {"dataset": "inline", "X": [[0, 1], [1, 0]], "y": [[0, 1], [1, 0]]}}
    with pytest.raises(ConfigError, match="loss = 'ce' does not take"):
        trainer.check(config.resolve(raw))
