"""The training scene's panels: 1-D curves, regression maps, gradients on the edges,
labels that never collide, keys and the camera's types (the loss panel and the clock:
tests/test_loss_panel.py)."""

import math

import numpy as np
import pytest
from manim import tempconfig

from cli.main import main
from core import config, trainer
from core.network import forward
from scenes import layout
from scenes.panels import Look, NetworkPanel, PlanePanel
from scenes.raster import SMALLEST_DOT, disc_layer
from scenes.settings import load_labels, load_theme
from tests.frames import decode, hex_rgb, to_pixel
from tests.test_render_training import render

SINE = {"network": {"layers": [1, 5, 1], "output": "linear", "loss": "mse"},
        "data": {"dataset": "sine", "n_samples": 60, "noise": 0.1, "standardize": True},
        "train": {"learning_rate": 0.3, "iterations": 60},
        "trace": {"grid": 80, "frames": 20}}


def look() -> Look:
    return Look(load_theme("dark"), load_labels("en"), "DejaVu Sans")


@pytest.fixture(scope="module")
def sine(tmp_path_factory):
    return render(tmp_path_factory.mktemp("sine"), SINE, "sine")


def test_the_curve_panel_draws_the_networks_output_at_every_x(sine):
    """Read the white curve off the last frame at sampled x; it lies where the final
    network's output is (within 2 px)."""
    trace, scene, frames, _ = sine
    last = frames[-1].astype(float)
    panel = scene.output_panel
    net = trace.network(trace.n_states - 1)
    white = hex_rgb(scene.look.theme["text"])
    image = panel.image
    probe_x = trace["X"][int(trace["probe"][0]), 0]
    checked = 0
    for x in np.linspace(panel.xmin, panel.xmax, 23)[1:-1]:
        if abs(x - probe_x) < 0.1 * (panel.xmax - panel.xmin):
            continue  # the probe's sight is drawn over the curve there
        y = forward(net, np.array([[x]])).A[-1][0, 0]
        if not panel.ymin < y < panel.ymax:
            continue
        sx = image.get_left()[0] + (x - panel.xmin) / (panel.xmax - panel.xmin) * image.width
        sy = image.get_bottom()[1] + (y - panel.ymin) / (panel.ymax - panel.ymin) * image.height
        row, col = to_pixel((sx, sy), last.shape)
        column = last[:, col]
        rows = np.flatnonzero(np.linalg.norm(column - white, axis=1) < 45)
        assert len(rows) and np.min(np.abs(rows - row)) <= 2, (x, y, row, rows)
        checked += 1
    assert checked >= 12


def test_the_curve_panel_shows_residuals_and_units_as_curves(sine):
    """Regression: a thin muted line from every training point to the curve; each hidden
    unit's thumbnail is a curve (its colours are the sign palette, not a flat tile)."""
    trace, scene, frames, _ = sine
    last = frames[-1].astype(float)
    muted = hex_rgb(scene.look.theme["muted"])
    image = scene.output_panel.image
    top, left = to_pixel(image.get_corner([-1, 1, 0]), last.shape)
    bottom, right = to_pixel(image.get_corner([1, -1, 0]), last.shape)
    inside = last[top + 4:bottom - 4, left + 4:right - 4]
    assert np.sum(np.linalg.norm(inside - muted, axis=2) < 40) > 50
    network = scene.network_panel
    assert network.line and len(network.thumbnails) == 5
    for tile in network.raster.maps.values():
        colours = {tuple(c) for c in tile[2:-2, 2:-2].reshape(-1, 3)}
        assert len(colours) > 5  # a curve over two filled areas


def test_regression_plane_colours_the_value_on_a_diverging_scale(tmp_path):
    raw = {"network": {"layers": [2, 6, 1], "output": "linear", "loss": "mse"},
           "data": {"dataset": "bumps", "n_samples": 120, "noise": 0.0, "standardize": True},
           "train": {"optimizer": "adam", "learning_rate": 0.03, "iterations": 80},
           "trace": {"grid": 50, "frames": 10, "neuron_grid": 12}}
    trace, scene, frames, _ = render(tmp_path, raw, "bumps")
    panel, last = scene.output_panel, frames[-1].astype(float)
    assert panel.regression and panel.heatmap.low == -panel.heatmap.high
    net = trace.network(trace.n_states - 1)
    positive, negative = (hex_rgb(scene.look.theme[k]) for k in ("positive", "negative"))
    xmin, xmax, ymin, ymax = trace.grid_extent
    data = np.vstack([trace["X"], trace["X_val"]])
    image, checked = panel.image, 0
    for gx in np.linspace(xmin, xmax, 19)[1:-1]:
        for gy in np.linspace(ymin, ymax, 19)[1:-1]:
            if np.min(np.hypot(*(data - [gx, gy]).T)) < 0.06 * (xmax - xmin):
                continue
            value = forward(net, np.array([[gx, gy]])).A[-1][0, 0]
            if abs(value) < 0.25 * panel.heatmap.high:
                continue
            at = (image.get_left()[0] + (gx - xmin) / (xmax - xmin) * image.width,
                  image.get_bottom()[1] + (gy - ymin) / (ymax - ymin) * image.height)
            row, col = to_pixel(at, last.shape)
            pixel = last[row - 1:row + 2, col - 1:col + 2].reshape(-1, 3).mean(axis=0)
            nearer_positive = np.linalg.norm(pixel - positive) < np.linalg.norm(pixel - negative)
            assert nearer_positive == (value > 0), (gx, gy, value, pixel)
            checked += 1
    assert checked >= 10
    # a training dot whose target is about 0 is filled grey, not the map's dark middle
    # (which would make it look like a validation ring)
    muted, pixel_size = hex_rgb(scene.look.theme["muted"]), image.width / panel.px
    grey = 0
    for i, (point, target) in enumerate(zip(trace["X"], np.ravel(trace["y"]))):
        others = np.delete(data, i, axis=0)
        if abs(target) > 0.05 * panel.heatmap.high or i == trace.probes[0] or np.min(
                np.hypot(*(others - point).T)) < 0.05 * (xmax - xmin):
            continue
        at = (image.get_left()[0] + (point[0] - xmin) / (xmax - xmin) * image.width,
              image.get_bottom()[1] + (point[1] - ymin) / (ymax - ymin) * image.height)
        row, col = to_pixel(at, last.shape)
        assert np.linalg.norm(last[row, col] - muted) < 40, (point, last[row, col], pixel_size)
        grey += 1
    assert grey >= 2
    bar = [m for m in panel.still if type(m).__name__ == "Group"]
    assert bar, "a colour bar beside the regression map"


def test_a_map_of_targets_all_zero_is_scaled_by_the_networks_output(tmp_path):
    """The post's one sample has y = 0, and ŷ starts at 1.233 (the post's forward pass
    by hand: 0.731 × 0.3 + 0.786 × 0.5 + 0.690 × 0.9): the map's scale reaches past it,
    so the map starts in the positive colour and fades toward the middle as ŷ falls
    (on a scale of ±1e−6 it was one flat colour from the first frame to the last), and
    so does the output node."""
    trace, scene, frames, _ = render(tmp_path, config.load("post"), "post")
    panel = scene.output_panel
    assert 1.233 <= panel.heatmap.high < 3
    positive, background = (hex_rgb(scene.look.theme[k]) for k in ("positive", "panel"))
    row, col = to_pixel(panel.image.get_center() + [0.3 * panel.image.width, 0, 0],
                        frames[0].shape)

    def pixel(frame):
        return frame[row - 1:row + 2, col - 1:col + 2].reshape(-1, 3).astype(float).mean(axis=0)

    first, last = pixel(frames[0]), pixel(frames[-1])
    assert np.linalg.norm(first - positive) < np.linalg.norm(first - background)
    assert np.linalg.norm(last - background) < np.linalg.norm(first - background) / 2
    # the output node, on the same scale, fades with it (ŷ 1.233 → about 0.2; on the
    # targets' ±1e−9 it stayed the brightest blue from first frame to last)
    net, out = scene.network_panel, len(trace.layers) - 1
    middle = net.unit_heatmap.colour(0.0)
    start, end = (net.probe_fills(s)[out, 0] for s in (0.0, float(trace.n_states - 1)))
    assert np.linalg.norm(end - middle) < np.linalg.norm(start - middle) / 3


def edge_colours(scene, frame, layer: int, fraction: float = 0.55) -> list[np.ndarray]:
    """Each edge's colour: of the pixels around a point along it, the one most unlike
    the background (the edge's core, not its antialiased rim)."""
    background = hex_rgb(scene.look.theme["background"])
    out = []
    for edge in scene.network_panel.diagram.edges[layer]:
        row, col = to_pixel(edge.point_from_proportion(fraction), frame.shape)
        patch = frame[row - 1:row + 2, col - 1:col + 2].reshape(-1, 3)
        out.append(patch[np.argmax(np.linalg.norm(patch - background, axis=1))])
    return out


def test_edges_show_the_gradient_when_asked_and_the_weight_otherwise(tmp_path):
    raw = {"network": {"layers": [2, 3, 1]},
           "data": {"n_samples": 60, "standardize": True},
           "train": {"learning_rate": 0.5, "iterations": 30},
           "trace": {"grid": 40, "frames": 10, "neuron_grid": 12}}
    signs = {}
    for mode in ("weight", "gradient"):
        trace, scene, frames, _ = render(tmp_path, raw, mode, edges=mode, weight_labels=False,
                                         duration=1.0, hold=0.3)
        first = frames[2].astype(float)  # the held first state: iteration 0
        positive, negative = (hex_rgb(scene.look.theme[k]) for k in ("positive", "negative"))
        seen = []
        for layer in (0, 1):
            history = (trace.weight_gradients(layer) if mode == "gradient"
                       else trace.weight_history(layer))
            values = history[0].ravel()  # edge order: from unit a to unit b, a first
            for value, colour in zip(values, edge_colours(scene, first, layer)):
                if abs(value) > 0.15 * scene.network_panel.max_abs:
                    nearer = (np.linalg.norm(colour - positive)
                              < np.linalg.norm(colour - negative))
                    assert nearer == (value > 0), (mode, layer, value, colour)
                    seen.append(value)
            signs.setdefault(mode, []).extend(np.sign(values))
        assert len(seen) >= 3, seen
        key = [m for m in scene.network_panel.still]
        words = " ".join(part.text for group in key for part in group.get_family()
                         if hasattr(part, "text"))
        assert ("∂L/∂w<0" in words) == (mode == "gradient"), words  # Text drops spaces
    assert signs["weight"] != signs["gradient"], "the two modes differ here"


# --- labels --------------------------------------------------------------------------------

def rectangle(label) -> np.ndarray:
    """The label's glyph outline bounds along its own direction, as 4 corners."""
    points = label.body.points[:, :2]
    u = np.array([math.cos(label.angle), math.sin(label.angle)])
    v = np.array([-u[1], u[0]])
    a, b = points @ u, points @ v
    return np.array([u * a.min() + v * b.min(), u * a.max() + v * b.min(),
                     u * a.max() + v * b.max(), u * a.min() + v * b.max()])


def separated(p: np.ndarray, q: np.ndarray) -> bool:
    """Two convex polygons share no area (some edge normal separates them)."""
    for poly in (p, q):
        for i in range(len(poly)):
            edge = poly[(i + 1) % len(poly)] - poly[i]
            normal = np.array([-edge[1], edge[0]])
            if (p @ normal).max() <= (q @ normal).min() + 1e-9 or \
                    (q @ normal).max() <= (p @ normal).min() + 1e-9:
                return True
    return False


def segment_distance(point, start, end) -> float:
    d = end - start
    f = np.clip(np.dot(point - start, d) / np.dot(d, d), 0, 1)
    return float(np.linalg.norm(point - start - f * d))


@pytest.mark.parametrize("quality", [480, 720])
@pytest.mark.parametrize("preset", ["flower", "circles"])
def test_edge_labels_never_collide_and_sit_on_their_own_edge(preset, quality):
    trace = trainer.train(config.load(preset))
    with tempconfig({"pixel_height": quality, "pixel_width": quality * 16 // 9}):
        panel = NetworkPanel(trace, layout.TRAINING_NETWORK, look())
        panel.draw(float(trace.n_states - 1))
    diagram = panel.diagram
    labels = [(i, k, label) for i, k, label in panel.labels]
    if preset == "flower":
        assert labels, "the flower network's output layer has room for its labels"
    boxes = [rectangle(label) for *_, label in labels]
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            assert separated(boxes[a], boxes[b]), (labels[a][:2], labels[b][:2])
    half = diagram.radius * 1.15
    mapped = {(i + 1, k) for i, k, _ in panel.thumbnails}
    for box, (i, k, _) in zip(boxes, labels):
        for layer, column in enumerate(diagram.nodes):
            for j, node in enumerate(column):
                c = node.get_center()[:2]
                r = half if (layer, j) in mapped else diagram.radius
                square = np.array([c + [-r, -r], c + [r, -r], c + [r, r], c + [-r, r]])
                assert separated(box, square), ("on a node", (i, k), (layer, j))
        centre = box.mean(axis=0)
        own = diagram.layer_edges(i)[k]
        mine = segment_distance(centre, own.get_start()[:2], own.get_end()[:2])
        for layer in range(len(diagram.edges)):
            for other in diagram.layer_edges(layer):
                if other is not own:
                    theirs = segment_distance(centre, other.get_start()[:2], other.get_end()[:2])
                    assert mine < theirs, ("nearer another edge", (i, k))


# --- the keys, the points -------------------------------------------------------------

def test_a_validation_ring_shows_on_its_own_class_colour():
    colour = np.array([0.31, 0.61, 0.96], np.float32)
    layer = disc_layer(np.array([[16.0, 16.0]]), colour[None], 32, 7.0,
                       np.zeros(3, np.float32), ring=np.array([True]))
    under = np.broadcast_to(colour, (32, 32, 3))
    shown = layer[..., :3] + under * (1 - layer[..., 3:])
    darkness = np.linalg.norm(shown - colour, axis=-1)
    # wider than a disc of radius 7 (its outer rim at 8 px), and half hollow
    assert darkness[16, 16 + 8] > 0.5 and darkness[16, 16 + 5] > 0.5  # outer and inner rims
    assert darkness[16, 16 + 6] < 0.3  # the band in the class colour between them
    assert darkness[16, 16] < 1e-6 and darkness[16, 16 + 3] < 1e-6  # the hole shows the map


def test_a_small_validation_ring_is_a_ring_not_a_dark_dot():
    """In a comparison's small plane a ring has a few pixels: one thin dark rim, then
    its class colour, then the map through its hole; and dots are never smaller than
    the radius under which they would be mostly rim."""
    colour, under = np.array([0.31, 0.61, 0.96], np.float32), np.full(3, 0.8, np.float32)
    layer = disc_layer(np.array([[16.0, 16.0]]), colour[None], 32, 2.6,
                       np.zeros(3, np.float32), ring=np.array([True]))
    shown = layer[..., :3] + under * (1 - layer[..., 3:])
    row = shown[16, 16:21]  # from the centre out: hole, band, rim, outside
    assert np.allclose(row[0], under), "the hole shows what is under it"
    assert np.linalg.norm(row[2] - colour) < 0.15, "then the class colour"
    assert np.linalg.norm(row[3]) < 0.5 * np.linalg.norm(colour), "then the dark rim"
    assert np.allclose(row[4], under)
    trace = trainer.train(config.resolve({"data": {"dataset": "moons", "n_samples": 200},
                                          "train": {"iterations": 5}}))
    look = Look(load_theme("dark"), load_labels("en"), "DejaVu Sans")
    with tempconfig({"quality": "low_quality"}):
        panel = PlanePanel(trace, (-1.25, -1.25, 1.25, 1.25), look, keyed=False)
    assert panel.marker_radius >= 1.9 * SMALLEST_DOT  # set from the dots' radius


def test_several_classes_ring_their_output_units_in_class_colours(tmp_path):
    raw = {"network": {"layers": [2, 4, 3], "output": "softmax", "loss": "ce"},
           "data": {"dataset": "blobs", "classes": 3, "n_samples": 60},
           "train": {"iterations": 20}, "trace": {"grid": 30, "frames": 5}}
    _, scene, frames, _ = render(tmp_path, raw, "blobs3", duration=1.0, hold=0.3)
    last = frames[-1].astype(float)
    diagram = scene.network_panel.diagram
    for k, node in enumerate(diagram.nodes[-1]):
        colour = scene.output_panel.palette[k] * 255
        centre = node.get_center()
        ring = [to_pixel(centre + diagram.radius * np.array([math.cos(a), math.sin(a), 0]),
                         last.shape) for a in np.linspace(0, 2 * np.pi, 12, endpoint=False)]
        near = sum(np.linalg.norm(last[r - 1:r + 2, c - 1:c + 2].reshape(-1, 3) - colour,
                                  axis=1).min() < 60 for r, c in ring)
        assert near >= 9, (k, near)


def test_a_csv_of_one_input_and_real_targets_renders(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(-2, 2, 40))
    rows = "\n".join(f"{a:.4f},{b:.4f}" for a, b in zip(x, np.cos(2 * x) - 0.3))
    (tmp_path / "wave.csv").write_text("x,target\n" + rows + "\n", encoding="utf-8")
    (tmp_path / "wave.toml").write_text(
        '[network]\nlayers = [1, 4, 1]\noutput = "linear"\nloss = "mse"\n'
        '[data]\ndataset = "csv"\npath = "wave.csv"\n[train]\niterations = 20\n'
        '[trace]\ngrid = 40\nframes = 5\n', encoding="utf-8")
    out = tmp_path / "wave.mp4"
    code = main(["training", "--config", str(tmp_path / "wave.toml"), "-q", "l",
                 "--duration", "1", "--hold", "0", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    frames, _ = decode(out)
    assert len(frames) >= 15


# --- the camera's fast paths are types ------------------------------------------------------

def test_an_opaque_panel_is_resized_once_per_version(monkeypatch):
    from PIL import Image

    from scenes.camera import OpaquePanel, PanelCamera

    calls = []
    fromarray = Image.fromarray  # a resize starts from the panel's pixels as an image
    with tempconfig({"pixel_height": 90, "pixel_width": 160}):
        camera = PanelCamera()
        panel = OpaquePanel(np.full((10, 10, 4), 200, np.uint8))
        panel.height = 4.0  # 45 px on screen: resized
        monkeypatch.setattr(Image, "fromarray",
                            lambda *a, **k: calls.append(1) or fromarray(*a, **k))
        for _ in range(3):
            camera.display_image_mobject(panel, camera.pixel_array)
        assert len(calls) == 1
        panel.set_pixels(np.full((10, 10, 4), 90, np.uint8))
        camera.display_image_mobject(panel, camera.pixel_array)
        assert len(calls) == 2
        row, col = camera.pixel_array.shape[0] // 2, camera.pixel_array.shape[1] // 2
        assert tuple(camera.pixel_array[row, col, :3]) == (90, 90, 90)


def test_bias_units_are_joined_to_nothing_but_their_edges():
    """Cairo leaves a current point after text: the next bias unit's circle must not be
    joined to the "1" written in the one before."""
    raw = {"network": {"layers": [2, 3, 3, 1]}, "data": {"n_samples": 40},
           "train": {"iterations": 5}, "trace": {"grid": 20, "frames": 3, "neuron_grid": 0}}
    trace = trainer.train(config.resolve(raw))
    panel = NetworkPanel(trace, layout.TRAINING_NETWORK, look(), labels=False)
    panel.draw(0.0)
    units = [unit[0].get_center() for unit in panel.diagram.bias_units]
    assert len(units) == 3
    raster = panel.raster
    background = raster.rgba[2, 2, :3].astype(int)
    for a, b in zip(units, units[1:]):
        for f in (0.35, 0.5, 0.65):
            x, y = raster.to_px(np.array([a + (b - a) * f]))[0]
            pixel = raster.rgba[int(round(y)), int(round(x)), :3].astype(int)
            assert np.abs(pixel - background).max() <= 2, (f, pixel)


def test_the_readouts_name_both_sets_and_end_on_the_last_numbers(tmp_path):
    raw = {"network": {"layers": [2, 4, 1]},
           "data": {"n_samples": 60, "validation": 0.25, "standardize": True},
           "train": {"learning_rate": 0.5, "iterations": 20},
           "trace": {"grid": 30, "frames": 5, "neuron_grid": 8}}
    trace, scene, _, _ = render(tmp_path, raw, "readouts", duration=1.0, hold=0.3)
    (train_numbers, *_), (val_numbers, *_) = scene.readouts
    assert [n.text for n in train_numbers] == [f"{trace.loss[-1]:.3f}",
                                               f"{trace.accuracy[-1] * 100:.0f}%"]
    assert [n.text for n in val_numbers] == [f"{trace.val_loss[-1]:.3f}",
                                             f"{trace.val_accuracy[-1] * 100:.0f}%"]


def test_the_network_names_its_nodes_in_a_font_that_has_the_symbols():
    """x₁ and ŷ are symbols, not words: in Korean too they are drawn in the font that
    has them (NanumGothic has no ŷ: it drew a box)."""
    raw = {"network": {"layers": [2, 3, 1]}, "data": {"n_samples": 40},
           "train": {"iterations": 5}, "trace": {"grid": 20, "frames": 3}}
    trace = trainer.train(config.resolve(raw))
    korean = Look(load_theme("dark"), load_labels("ko"), layout.font("ko"))
    with tempconfig({"quality": "low_quality"}):
        panel = NetworkPanel(trace, layout.TRAINING_NETWORK, korean)
    assert panel.raster.font == layout.font("en") != korean.font
    assert {text for _, _, text, *_ in panel.raster.names} == {"x₁", "x₂", "ŷ"}
