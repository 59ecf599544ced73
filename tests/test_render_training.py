"""Rendering the training scene at 480p and checking what the frames show."""

import numpy as np
import pytest

from core import config, trainer
from core.network import forward
from scenes.registry import SCENES
from scenes.settings import Settings
from tests.frames import decode, hex_rgb, to_pixel

INFO = SCENES["training"]


def render(tmp_path, raw: dict, name: str, **options):
    trace = trainer.train(config.resolve(raw))
    opts = {"duration": 2.0, "hold": 0.5, "schedule": "linear", "neuron_maps": None,
            "weight_labels": None} | options
    settings = Settings(trace, name, "dark", "en", opts)
    from scenes.pipeline import Request, render_trained

    request = Request("training", name, tmp_path / f"{name}.mp4", "l")
    path, scene, _ = render_trained(request, settings)
    frames, duration = decode(path)
    return trace, scene, frames, duration


MOONS = {"network": {"layers": [2, 5, 1]},
         "data": {"n_samples": 80, "validation": 0.25, "standardize": True},
         "train": {"learning_rate": 0.8, "iterations": 40},
         "trace": {"grid": 60, "frames": 20, "neuron_grid": 16}}


@pytest.fixture(scope="module")
def moons(tmp_path_factory):
    return render(tmp_path_factory.mktemp("moons"), MOONS, "moons")


def test_video_size_duration_and_motion(moons):
    _, scene, frames, duration = moons
    assert frames[0].shape == (480, 854, 3)
    assert abs(duration - 3.0) < 0.2  # 0.5 s still + 2 s training + 0.5 s hold
    assert np.abs(frames[-1].astype(int) - frames[-3]).mean() < 0.3, "the end is held still"
    # during the animation the loss curve grows: count its pixels in frames inside it
    x0, y0, x1, y1 = scene.loss_panel.box
    top, left = to_pixel((x0, y1), frames[0].shape)
    bottom, right = to_pixel((x1, y0), frames[0].shape)
    colour = hex_rgb(scene.look.theme["loss"])
    counts = []
    for seconds in (0.8, 1.3, 1.8, 2.3):
        panel = frames[int(seconds * 15)][top:bottom - 3, left + 3:right].astype(float)
        counts.append(int(np.sum(np.linalg.norm(panel - colour, axis=2) < 60)))
    assert all(b > a + 5 for a, b in zip(counts, counts[1:])), counts
    # and the boundary changes between the first and the last frame of the training
    box = scene.output_panel.image
    t0, l0 = to_pixel(box.get_corner([-1, 1, 0]), frames[0].shape)
    b0, r0 = to_pixel(box.get_corner([1, -1, 0]), frames[0].shape)
    early, late = (frames[int(s * 15)][t0:b0, l0:r0].astype(float) for s in (0.6, 2.4))
    assert np.abs(early - late).mean() > 2


def test_boundary_colours_agree_with_final_predictions(moons):
    trace, scene, frames, _ = moons
    last = frames[-1].astype(float)
    net = trace.network(trace.n_states - 1)
    xmin, xmax, ymin, ymax = trace["grid_extent"]
    data = np.vstack([trace["X"], trace["X_val"]])
    positive, negative = (hex_rgb(scene.look.theme[k]) for k in ("positive", "negative"))
    box = scene.output_panel.image
    left, bottom = box.get_left()[0], box.get_bottom()[1]
    checked = 0
    for gx in np.linspace(xmin, xmax, 15)[1:-1]:
        for gy in np.linspace(ymin, ymax, 15)[1:-1]:
            if np.min(np.hypot(*(data - [gx, gy]).T)) < 0.12 * (xmax - xmin):
                continue  # a data point is drawn here
            p = forward(net, np.array([[gx, gy]])).A[-1][0, 0]
            if abs(p - 0.5) < 0.2:
                continue  # near the boundary line
            sx = left + (gx - xmin) / (xmax - xmin) * box.width
            sy = bottom + (gy - ymin) / (ymax - ymin) * box.height
            row, col = to_pixel((sx, sy), last.shape)
            pixel = last[row - 1:row + 2, col - 1:col + 2].reshape(-1, 3).mean(axis=0)
            closer_to_positive = (np.linalg.norm(pixel - positive)
                                  < np.linalg.norm(pixel - negative))
            assert closer_to_positive == (p > 0.5), (gx, gy, p, pixel)
            checked += 1
    assert checked >= 20


def test_loss_curve_ends_at_the_final_loss(moons):
    trace, scene, frames, _ = moons
    last = frames[-1].astype(float)
    panel = scene.loss_panel
    end = (panel.at_x(trace.n_states - 1), panel.at_y(trace["loss"][-1]))
    row, col = to_pixel(end, last.shape)
    colour = hex_rgb(scene.look.theme["loss"])
    column = last[:, col - 2]
    distance = np.linalg.norm(column - colour, axis=1)
    near = np.where(distance < 60)[0]
    assert len(near), "no loss-coloured pixel in the curve's last column"
    assert np.min(np.abs(near - row)) <= 2


def test_multiclass_and_divergence(tmp_path):
    diverging = {"network": {"layers": [2, 4, 1], "output": "linear", "loss": "mse",
                             "activation": "relu"},
                 "data": {"dataset": "gauss", "n_samples": 40},
                 "train": {"learning_rate": 40.0, "iterations": 60},
                 "trace": {"grid": 40, "frames": 10, "neuron_grid": 0}}
    trace, scene, frames, _ = render(tmp_path, diverging, "diverging", duration=1.0, hold=0.3)
    assert trace.diverged_at is not None
    notes = [m for m in scene.mobjects if getattr(m, "text", "").startswith("diverged")]
    assert notes, "the divergence note is on screen"
    row, col = to_pixel(notes[0].get_center(), frames[-1].shape)
    patch = frames[-1][row - 8:row + 8, col - 80:col + 80].astype(float)
    red = hex_rgb(scene.look.theme["gradient"])
    assert np.sum(np.linalg.norm(patch - red, axis=2) < 80) > 20
    blobs = {"network": {"layers": [2, 4, 3], "output": "softmax", "loss": "ce"},
             "data": {"dataset": "blobs", "classes": 3, "n_samples": 60},
             "train": {"iterations": 20}, "trace": {"grid": 40, "frames": 10}}
    trace, scene, frames, _ = render(tmp_path, blobs, "blobs", duration=1.0, hold=0.3)
    assert trace["grid_prob"].shape[-1] == 3
    box = scene.output_panel.image
    top, bottom = to_pixel(box.get_top(), frames[-1].shape)[0], to_pixel(box.get_bottom(),
                                                                          frames[-1].shape)[0]
    left, right = to_pixel(box.get_left(), frames[-1].shape)[1], to_pixel(box.get_right(),
                                                                           frames[-1].shape)[1]
    panel = frames[-1][top + 3:bottom - 3, left + 3:right - 3].reshape(-1, 3).astype(float)
    for colour in scene.output_panel.palette[:3] * 255:
        hits = np.sum(np.linalg.norm(panel - colour, axis=1) < 60)
        assert hits > 30, f"class colour {colour} missing from the boundary panel"


def test_nodes_show_the_probe_sample_and_rings_mark_it(moons):
    trace, scene, frames, _ = moons
    last = frames[-1].astype(float)
    probe = int(trace["probe"][0])
    x = trace["X"][probe]
    p = forward(trace.network(trace.n_states - 1), x[None]).A[-1][0, 0]
    positive, negative = (hex_rgb(scene.look.theme[k]) for k in ("positive", "negative"))
    base = hex_rgb(scene.look.theme["panel"])

    def node(layer: int, k: int) -> np.ndarray:
        row, col = to_pixel(scene.network_panel.diagram.nodes[layer][k].get_center(), last.shape)
        return last[row - 2:row + 3, col - 2:col + 3].reshape(-1, 3).mean(axis=0)

    def leans_positive(colour) -> bool:
        return np.linalg.norm(colour - positive) < np.linalg.norm(colour - negative)

    output = node(-1, 0)
    assert leans_positive(output) == (p > 0.5), (p, output)
    # inputs: the sign of each coordinate, and the larger |x| (per scale) the stronger
    data = np.abs(np.vstack([trace["X"], trace["X_val"]])).max(axis=0)
    inputs = [node(0, j) for j in range(2)]
    for j in range(2):
        if abs(x[j]) / data[j] > 0.15:
            assert leans_positive(inputs[j]) == (x[j] > 0), (j, x, inputs[j])
    strength = [np.linalg.norm(c - base) for c in inputs]
    if abs(abs(x[0]) / data[0] - abs(x[1]) / data[1]) > 0.15:
        assert (strength[0] > strength[1]) == (abs(x[0]) / data[0] > abs(x[1]) / data[1])
    # a ring in the text colour around the probe on the boundary panel
    box = scene.output_panel.image
    xmin, xmax, ymin, ymax = trace["grid_extent"]
    at = (box.get_left()[0] + (x[0] - xmin) / (xmax - xmin) * box.width,
          box.get_bottom()[1] + (x[1] - ymin) / (ymax - ymin) * box.height, 0)
    row, col = to_pixel(at, last.shape)
    radius = scene.output_panel.marker_radius * last.shape[0] / scene.camera.pixel_height
    text = hex_rgb(scene.look.theme["text"])
    on_ring = 0
    for a in np.linspace(0, 2 * np.pi, 24, endpoint=False):
        r, c = int(round(row + radius * np.sin(a))), int(round(col + radius * np.cos(a)))
        patch = last[r - 1:r + 2, c - 1:c + 2].reshape(-1, 3)  # the ring is ~2 px wide
        on_ring += np.linalg.norm(patch - text, axis=1).min() < 80
    assert on_ring >= 21, f"{on_ring} of 24 points of the ring in the text colour"


def test_the_default_video_learns_to_the_end_and_curves(tmp_path):
    """The moons preset, as ./render.sh training renders it: at least 97 % accurate at
    the end, still learning in its second half, and its final boundary, read from the
    rendered frame, far from a straight line (the best line misclassifies > 7 % of
    the panel)."""
    from sklearn.linear_model import LogisticRegression

    trace = trainer.train(config.load("moons"))
    accuracy = trace.accuracy
    assert accuracy[-1] >= 0.97
    assert accuracy[len(accuracy) // 2] <= accuracy[-1] - 0.02, "learning after halfway"
    opts = {"duration": 1.0, "hold": 0.3, "schedule": "linear", "neuron_maps": None,
            "weight_labels": None}
    from scenes.pipeline import Request, render_trained

    path, scene, _ = render_trained(Request("training", "moons", tmp_path / "m.mp4", "l"),
                                    Settings(trace, "moons", "dark", "en", opts))
    last = decode(path)[0][-1].astype(float)
    box = scene.output_panel.image
    top, left = to_pixel(box.get_corner([-1, 1, 0]), last.shape)
    bottom, right = to_pixel(box.get_corner([1, -1, 0]), last.shape)
    panel = last[top + 2:bottom - 2, left + 2:right - 2]
    positive, negative = (hex_rgb(scene.look.theme[k]) for k in ("positive", "negative"))
    side = (np.linalg.norm(panel - positive, axis=2)
            < np.linalg.norm(panel - negative, axis=2)).astype(int)
    rows, cols = np.mgrid[0:side.shape[0], 0:side.shape[1]]
    points = np.c_[cols.ravel(), rows.ravel()] / max(side.shape)
    line = LogisticRegression(C=1e4, max_iter=2000).fit(points, side.ravel())
    assert line.score(points, side.ravel()) < 0.93
