"""Bad configs are rejected with a ConfigError naming the key; every preset trains.

``resolve`` checks types and ranges, ``load`` reads files and presets, and
``setup.build`` (called by ``trainer.train``) checks what needs the data.
"""

import copy
import math

import pytest

from core import config, setup, trainer
from core.errors import ConfigError

EXPLICIT_2_3_1 = [[[0.8, 0.4, 0.3], [0.2, 0.9, 0.5]], [[0.3], [0.5], [0.9]]]


def small(raw: dict) -> dict:
    """``raw`` resolved, with a short run and tiny grids so training is fast."""
    cfg = config.resolve(raw)
    cfg["train"]["iterations"] = min(cfg["train"]["iterations"], 2)
    cfg["trace"] |= {"grid": 2, "frames": 2, "neuron_grid": 0}
    return cfg


def train_error(raw: dict) -> str:
    """The message of the ConfigError that resolving and training ``raw`` raises."""
    with pytest.raises(ConfigError) as info:
        trainer.train(small(raw))
    return str(info.value)


def resolve_error(raw: dict) -> str:
    with pytest.raises(ConfigError) as info:
        config.resolve(raw)
    return str(info.value)


def one_line(message: str) -> str:
    assert message.strip() and "\n" not in message, message
    return message


# --- defaults -------------------------------------------------------------------------------

def test_resolved_list_defaults_are_copies():
    first = config.resolve({})
    first["network"]["layers"].append(99)
    first["trace"]["probe"].append(0)
    assert config.resolve({}) == config.resolve({})
    assert config.SCHEMA["network"]["layers"].default == [2, 8, 8, 1]
    assert config.SCHEMA["trace"]["probe"].default == []


def test_defaults_are_valid_values_of_their_own_keys():
    for section, keys in config.SCHEMA.items():
        for name, key in keys.items():
            assert isinstance(key.default, key.kind), f"{section}.{name}"
            if key.choices:
                assert key.default in key.choices, f"{section}.{name}"


def test_defaults_train():
    result = trainer.train(small({}))
    assert result.n_states == 3


def test_int_given_for_a_float_key_becomes_a_float():
    cfg = config.resolve({"train": {"learning_rate": 1}})
    assert cfg["train"]["learning_rate"] == 1.0
    assert isinstance(cfg["train"]["learning_rate"], float)


# --- unknown names --------------------------------------------------------------------------

def test_unknown_section_is_named_with_the_valid_ones():
    msg = one_line(resolve_error({"netwrok": {"layers": [2, 1]}}))
    assert "netwrok" in msg
    for section in config.SCHEMA:
        assert section in msg


def test_unknown_key_is_named_with_the_valid_keys():
    msg = one_line(resolve_error({"train": {"lr": 0.1}}))
    assert "train.lr" in msg
    for key in config.SCHEMA["train"]:
        assert key in msg


def test_section_that_is_not_a_table():
    msg = one_line(resolve_error({"network": 3}))
    assert "network" in msg


# --- types ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("section", "key", "value"), [
    ("train", "learning_rate", "0.1"),   # string for a number
    ("train", "iterations", "100"),      # string for an integer
    ("train", "iterations", 2.0),        # float for an integer
    ("train", "iterations", 2.5),
    ("train", "iterations", True),       # bool for an integer
    ("train", "learning_rate", True),    # bool for a number
    ("network", "seed", False),
    ("data", "n_samples", 200.0),
    ("network", "bias", 1),              # integer for a bool
    ("network", "layers", "2, 8, 1"),    # string for a list
    ("network", "activation", 3),        # integer for a string
])
def test_wrong_type_names_the_key(section, key, value):
    msg = one_line(resolve_error({section: {key: value}}))
    assert f"{section}.{key}" in msg
    assert repr(value) in msg


def test_unknown_choice_lists_the_choices():
    msg = one_line(resolve_error({"network": {"activation": "swish"}}))
    assert "network.activation" in msg and "swish" in msg
    for choice in config.SCHEMA["network"]["activation"].choices:
        assert choice in msg


# --- ranges ---------------------------------------------------------------------------------

@pytest.mark.parametrize("layers", [[2, 0, 1], [2, -3, 1], [0, 1], [2, 8, 0],
                                    [2, 8.0, 1], [2, True, 1], [2, "8", 1], [2], []])
def test_bad_layer_sizes(layers):
    msg = one_line(resolve_error({"network": {"layers": layers}}))
    assert "network.layers" in msg


@pytest.mark.parametrize(("section", "key", "value"), [
    ("train", "learning_rate", 0),
    ("train", "learning_rate", 0.0),
    ("train", "learning_rate", -0.1),
    ("train", "learning_rate", math.inf),
    ("train", "learning_rate", -math.inf),
    ("train", "learning_rate", math.nan),
    ("train", "iterations", 0),
    ("train", "iterations", -1),
    ("train", "iterations", 1_000_001),
    ("train", "momentum", 1.5),
    ("data", "n_samples", 1),
    ("data", "validation", 0.95),
    ("trace", "grid", 1),
])
def test_out_of_range_names_the_key(section, key, value):
    msg = one_line(resolve_error({section: {key: value}}))
    assert f"{section}.{key}" in msg


@pytest.mark.parametrize("iterations", [1, 1_000_000])
def test_iteration_bounds_are_inclusive(iterations):
    assert config.resolve({"train": {"iterations": iterations}})["train"]["iterations"] \
        == iterations


@pytest.mark.parametrize("literal", ["inf", "+inf", "-inf", "nan", "-nan"])
def test_toml_inf_and_nan_learning_rate(tmp_path, literal):
    path = tmp_path / "lr.toml"
    path.write_text(f"[train]\nlearning_rate = {literal}\n")
    with pytest.raises(ConfigError) as info:
        config.load(str(path))
    msg = one_line(str(info.value))
    assert "train.learning_rate" in msg
    assert str(path) in msg


# --- checks that need the data (core.setup) -------------------------------------------------

def test_feature_count_must_match_the_first_layer():
    msg = one_line(train_error({"network": {"layers": [3, 4, 1]}}))
    assert "network.layers" in msg and "2 features" in msg


def test_feature_count_of_inline_data():
    msg = one_line(train_error({"network": {"layers": [2, 3, 1]},
                                "data": {"dataset": "inline", "X": [[0, 0, 0], [1, 1, 1]],
                                         "y": [0, 1]}}))
    assert "network.layers" in msg and "3 features" in msg


def test_more_output_units_than_classes():
    msg = one_line(train_error({"network": {"layers": [2, 4, 4], "output": "softmax",
                                            "loss": "ce"},
                                "data": {"dataset": "blobs", "classes": 3}}))
    assert "network.layers" in msg and "3 classes" in msg


def test_fewer_output_units_than_classes():
    msg = one_line(train_error({"network": {"layers": [2, 4, 2], "output": "softmax",
                                            "loss": "ce"},
                                "data": {"dataset": "blobs", "classes": 3}}))
    assert "network.layers" in msg or "data.classes" in msg


@pytest.mark.parametrize("network", [
    {"loss": "bce", "output": "softmax", "layers": [2, 4, 2]},
    {"loss": "bce", "output": "softmax", "layers": [2, 4, 1]},
    {"loss": "bce", "output": "sigmoid", "layers": [2, 4, 2]},
    {"loss": "bce", "output": "linear", "layers": [2, 4, 1]},
])
def test_bce_needs_one_sigmoid_output(network):
    msg = one_line(train_error({"network": network}))
    assert "network.loss" in msg and "bce" in msg and "sigmoid" in msg


@pytest.mark.parametrize("network", [
    {"loss": "ce", "output": "sigmoid", "layers": [2, 4, 2]},
    {"loss": "ce", "output": "softmax", "layers": [2, 4, 1]},
])
def test_ce_needs_a_softmax_output(network):
    msg = one_line(train_error({"network": network}))
    assert "network.loss" in msg and "softmax" in msg


def test_loss_fit_is_checked_before_the_data_is_loaded():
    # a csv path that does not exist: the loss/output mismatch must be reported first
    msg = one_line(train_error({"network": {"output": "softmax"},
                                "data": {"dataset": "csv", "path": "/no/such/file.csv"}}))
    assert "network.loss" in msg


@pytest.mark.parametrize("y", [[0, 2], [0, -1], [0, 0.5]])
def test_labels_must_fit_bce(y):
    msg = one_line(train_error({"network": {"layers": [2, 3, 1]},
                                "data": {"dataset": "inline", "X": [[0, 0], [1, 1]], "y": y}}))
    assert "labels" in msg and "bce" in msg


def test_bce_needs_two_classes():
    msg = one_line(train_error({"network": {"layers": [2, 3, 1]},
                                "data": {"dataset": "inline", "X": [[0, 0], [1, 1]],
                                         "y": [1, 1]}}))
    assert "bce" in msg


# --- explicit weights -----------------------------------------------------------------------

def explicit(**network) -> dict:
    return {"network": {"layers": [2, 3, 1], "init": "explicit", "activation": "sigmoid",
                        "output": "linear", "loss": "mse", **network},
            "data": {"dataset": "inline", "X": [[1.0, 1.0]], "y": [0.0]}}


def test_explicit_weights_train():
    result = trainer.train(small(explicit(weights=EXPLICIT_2_3_1)))
    assert result["W0"][0].tolist() == EXPLICIT_2_3_1[0]


@pytest.mark.parametrize(("weights", "where"), [
    ([[[0.8, 0.4], [0.2, 0.9]], [[0.3], [0.5], [0.9]]], "network.weights[0]"),     # 2x2
    ([[[0.8, 0.2], [0.4, 0.9], [0.3, 0.5]], [[0.3], [0.5], [0.9]]], "network.weights[0]"),
    ([EXPLICIT_2_3_1[0], [[0.3, 0.5, 0.9]]], "network.weights[1]"),                  # 1x3
    ([EXPLICIT_2_3_1[0], [[0.3], [0.5]]], "network.weights[1]"),
    ([[[0.8, 0.4, 0.3], [0.2, 0.9]], [[0.3], [0.5], [0.9]]], "network.weights[0]"),  # ragged
    ([[[0.8, "a", 0.3], [0.2, 0.9, 0.5]], [[0.3], [0.5], [0.9]]], "network.weights[0]"),
])
def test_explicit_weights_of_the_wrong_shape(weights, where):
    msg = one_line(train_error(explicit(weights=weights)))
    assert where in msg


@pytest.mark.parametrize("weights", [[], [EXPLICIT_2_3_1[0]], EXPLICIT_2_3_1 + [[[1.0]]]])
def test_explicit_weights_of_the_wrong_count(weights):
    msg = one_line(train_error(explicit(weights=weights)))
    assert "network.weights" in msg and "2 matrices" in msg


def test_biases_given_with_bias_false():
    msg = one_line(train_error(explicit(weights=EXPLICIT_2_3_1, bias=False,
                                        biases=[[0.0, 0.0, 0.0], [0.0]])))
    assert "network.biases" in msg and "network.bias" in msg


def test_explicit_biases_of_the_wrong_count_and_shape():
    msg = one_line(train_error(explicit(weights=EXPLICIT_2_3_1, biases=[[0.0, 0.0, 0.0]])))
    assert "network.biases" in msg
    msg = one_line(train_error(explicit(weights=EXPLICIT_2_3_1, biases=[[0.0, 0.0], [0.0]])))
    assert "network.biases[0]" in msg


def test_build_rejects_like_train():
    with pytest.raises(ConfigError, match=r"network\.weights"):
        setup.build(config.resolve(explicit(weights=[EXPLICIT_2_3_1[0]])))


# --- trace.probe ----------------------------------------------------------------------------

@pytest.mark.parametrize("probe", [[100_000], ["a"]])
def test_bad_probe_index_names_the_key(probe):
    msg = one_line(train_error({"trace": {"probe": probe}}))
    assert "trace.probe" in msg


# --- files and presets ----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "[network\nlayers = [2, 8, 1]\n",              # unclosed table header
    "[network]\nlayers = \n",                      # missing value
    "[network]\nlayers = [2, 8, 1\n[train]\n",     # unclosed array before another table
    "[train]\niterations = 1\niterations = 2\n",  # duplicate key
    "[network]\nlayers = [2, 8, 1\n",             # unclosed array at the end of the file
    "[data]\ndataset = 'moons\n",                 # unclosed string at the end of the file
])
def test_malformed_toml_gives_line_and_column(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        config.load(str(path))
    msg = one_line(str(info.value))
    assert "line" in msg and "column" in msg and str(path) in msg


def test_not_utf8_toml(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b"# caf\xe9\n")
    with pytest.raises(ConfigError, match="UTF-8"):
        config.load(str(path))


def test_error_inside_a_file_names_file_and_key(tmp_path):
    path = tmp_path / "range.toml"
    path.write_text("[train]\niterations = 0\n")
    with pytest.raises(ConfigError) as info:
        config.load(str(path))
    msg = one_line(str(info.value))
    assert str(path) in msg and "train.iterations" in msg


def test_missing_config_file(tmp_path):
    path = tmp_path / "missing.toml"
    with pytest.raises(ConfigError) as info:
        config.load(str(path))
    msg = one_line(str(info.value))
    assert str(path) in msg and "not found" in msg


def test_unknown_preset_lists_the_presets():
    with pytest.raises(ConfigError) as info:
        config.load("nosuchpreset")
    msg = one_line(str(info.value))
    assert "nosuchpreset" in msg
    for name in config.preset_names():
        assert name in msg


def test_csv_dataset_without_path():
    msg = one_line(train_error({"data": {"dataset": "csv"}}))
    assert "data.path" in msg


def test_csv_dataset_with_a_missing_file(tmp_path):
    path = tmp_path / "missing.csv"
    msg = one_line(train_error({"data": {"dataset": "csv", "path": str(path)}}))
    assert str(path) in msg and "data.path" in msg


def test_csv_dataset_trains(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n")
    result = trainer.train(small({"network": {"layers": [2, 3, 1]},
                                  "data": {"dataset": "csv", "path": str(path)}}))
    assert result["X"].shape == (4, 2)


def test_there_are_presets():
    assert "post" in config.preset_names() and "moons" in config.preset_names()


@pytest.mark.parametrize("name", config.preset_names())
def test_every_preset_resolves_and_trains(name):
    loaded = config.load(name)
    assert config.resolve(copy.deepcopy(loaded)) == loaded  # resolving is idempotent
    cfg = copy.deepcopy(loaded)
    cfg["train"]["iterations"] = 2
    cfg["trace"] |= {"grid": 4, "frames": 3, "neuron_grid": 2}
    result = trainer.train(cfg)
    assert result.n_states == 3
    assert result.diverged_at is None
    assert result.layers == loaded["network"]["layers"]
