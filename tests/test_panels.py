"""The training scene's per-frame drawing shortcuts against plain references:
the boundary levels, the data-point overlay, the Cairo network panel, the
camera's polyline path and the cached monospace glyphs."""

import sys

import cairo
import numpy as np
import pytest
from manim import Camera, Line, Text, VGroup

from scenes import glyphs
from scenes.camera import PanelCamera, Polyline
from scenes.glyphs import MonoNumber
from scenes.network_diagram import NetworkDiagram
from scenes.network_raster import NetworkRaster
from scenes.raster import (
    ContourPainter,
    LevelFrames,
    Overlay,
    contour_segments,
    disc_layer,
    rgb,
    upsample,
    words,
)
from scenes.settings import Settings
from tests.frames import to_pixel

THEME = Settings(trace=None).theme


def resized_levels(grid: np.ndarray, size: int) -> np.ndarray:
    """The reference: one grid resized corner to corner in float (numpy), rows flipped."""
    return upsample(np.clip(grid, 0, 1).astype(np.float32), size) * 255


def test_level_frames_blend_equals_resizing_the_blended_grid():
    rng = np.random.default_rng(1)
    grids = rng.uniform(0, 1, (5, 12, 12)).astype(np.float32)
    frames = LevelFrames(grids, 90)
    for f in (0.0, 1.25, 1.5, 3.9, 4.0):
        i, w = int(f), f - int(f)
        j = min(i + 1, 4)
        expected = resized_levels(grids[i] * (1 - w) + grids[j] * w if w else grids[i], 90)
        got = frames.at(f).astype(float)
        assert got.shape == (90, 90)
        # 8-bit rounding of the resized grids and of the blend: within 2.5 levels
        assert np.abs(got - expected).max() <= 2.5, f
        assert len(frames.cache) <= 2, "only the two grids in use are kept"
    # outputs of a linear head are not probabilities: clipped to [0, 1]
    wide = LevelFrames(np.array([[[-0.5, 2.0], [0.5, 0.5]]], np.float32), 2).at(0.0)
    assert wide.tolist() == [[128, 128], [0, 255]]


def test_level_frames_row_zero_is_the_top_of_the_picture():
    grid = np.zeros((1, 8, 8), np.float32)
    grid[0, -1] = 1.0  # the grid's last row is y = ymax: the top of the picture
    levels = LevelFrames(grid, 32).at(0.0)
    assert levels[0].mean() > 200 and levels[-1].mean() < 5


def test_words_are_rgba_bytes_of_a_pixel():
    w = words(np.array([[10, 20, 30], [255, 0, 128]]))
    assert w.dtype == np.uint32
    assert w.view(np.uint8).reshape(-1, 4).tolist() == [[10, 20, 30, 255], [255, 0, 128, 255]]


def test_overlay_blend_matches_compositing_in_float():
    rng = np.random.default_rng(2)
    points = rng.uniform(0, 64, (30, 2))
    colours = rng.uniform(0, 1, (30, 3)).astype(np.float32)
    layer = disc_layer(points, colours, 64, 3.5, np.zeros(3, np.float32),
                       ring=np.arange(30) >= 20)
    image = np.full((64, 64, 4), 255, np.uint8)
    image[..., :3] = rng.integers(0, 256, (64, 64, 3))
    # premultiplied "over": out = layer + under * (1 - alpha)
    expected = layer[..., :3] * 255 + image[..., :3] * (1 - layer[..., 3:])
    Overlay(layer).blend(image)
    assert np.abs(image[..., :3] - expected).max() <= 1.0
    assert (image[..., 3] == 255).all()


@pytest.fixture(scope="module")
def diagram():
    return NetworkDiagram([2, 3, 1], 5.6, 3.7, THEME, "DejaVu Sans", 1.0)


def edge_count(diagram: NetworkDiagram) -> int:
    return sum(len(diagram.layer_edges(i)) for i in range(len(diagram.edges)))


def pixel_at(panel: NetworkRaster, point: np.ndarray) -> np.ndarray:
    x, y = panel.to_px(np.asarray(point)[None])[0]
    return panel.image.pixel_array[int(y), int(x), :3].astype(int)


def test_network_panel_colours_are_rgb_whatever_cairo_stores(diagram):
    panel = NetworkRaster(diagram, THEME, 90, pad=0.06, thumbnail_side=0.5)
    lines = [line for i in range(len(diagram.edges)) for line in diagram.layer_edges(i)]
    starts, ends = (np.array([f(line) for line in lines]) for f in (Line.get_start, Line.get_end))
    signed = np.zeros(len(starts))
    signed[0], signed[-1] = 1.0, -1.0  # the first edge positive, the last negative
    panel.draw(signed)
    image = panel.image.pixel_array
    assert image.shape[2] == 4 and (image[..., 3] == 255).all()
    assert image[1, 1, :3].tolist() == list((rgb(THEME["background"]) * 255 + 0.5).astype(int))
    # full-strength edges are opaque: their midpoints have exactly the theme's colours
    for k, name in ((0, "positive"), (-1, "negative")):
        middle = (starts[k] + ends[k]) / 2
        expected = rgb(THEME[name]) * 255
        assert np.abs(pixel_at(panel, middle) - expected).max() <= 2, name


def test_network_panel_draws_neuron_maps_framed_over_their_nodes(diagram):
    panel = NetworkRaster(diagram, THEME, 90, pad=0.06, thumbnail_side=0.5)
    tile = np.zeros((4, 4, 3), np.uint8)
    tile[..., 1] = 200
    panel.set_map(1, 0, tile)
    panel.draw(np.zeros(edge_count(diagram)))
    centre = diagram.nodes[1][0].get_center()
    assert pixel_at(panel, centre).tolist() == [0, 200, 0]
    border = (rgb(THEME["node_stroke"]) * 255 + 0.5).astype(int)
    x, y = (int(round(v)) for v in panel.to_px(centre[None])[0])
    half = panel.thumb_side // 2
    assert panel.image.pixel_array[y - half, x, :3].tolist() == border.tolist()
    # a marker rings the same point of every map: here a quarter across, a quarter down
    panel.set_marker((0.25, 0.25))
    panel.set_map(1, 0, tile)
    panel.set_map(1, 1, tile)
    fills = {(0, 0): np.array([1.0, 0.0, 0.0])}
    panel.draw(np.zeros(edge_count(diagram)), fills)
    text = (rgb(THEME["text"]) * 255).astype(int)
    radius = max(3.5, panel.thumb_side * 0.1)
    for k in (0, 1):
        left, top = panel.map_box(1, k)
        cx = cy = 0.25 * (panel.thumb_side - 1)
        row, col = int(round(top + cy)), int(round(left + cx + radius))
        ring = panel.image.pixel_array[row, col - 1:col + 2, :3].astype(int)  # antialiased
        assert np.abs(ring - text).max(axis=1).min() < 40, ring
        assert panel.image.pixel_array[int(top + cy), int(left + cx), :3].tolist() == [0, 200, 0]
    assert pixel_at(panel, diagram.nodes[0][0].get_center()).tolist() == [255, 0, 0]


def draw(camera_class, mobject) -> np.ndarray:
    camera = camera_class()
    camera.reset()
    camera.capture_mobjects([mobject])
    return camera.pixel_array[..., :3].astype(int)


def test_polyline_is_drawn_as_lines_like_manim_draws_its_curves():
    rng = np.random.default_rng(3)
    corners = np.column_stack([np.linspace(-6, 6, 60), rng.uniform(-3, 3, 60), np.zeros(60)])
    line = Polyline(stroke_color="#ffcc00", stroke_width=3).set_corners(corners)
    with_lines, with_curves = draw(PanelCamera, line), draw(Camera, line)
    lit_lines, lit_curves = with_lines.sum(axis=2) > 0, with_curves.sum(axis=2) > 0
    assert lit_curves.sum() > 1000
    assert (lit_lines ^ lit_curves).sum() < 0.02 * lit_curves.sum()
    assert np.abs(with_lines - with_curves).mean() < 0.5

    camera = PanelCamera()
    context = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 8, 8))
    camera.set_cairo_context_path(context, line)
    recorded = [kind for kind, _ in context.copy_path()]
    assert cairo.PATH_CURVE_TO not in recorded
    assert recorded.count(cairo.PATH_LINE_TO) == len(corners) - 1


def test_mono_number_matches_text_and_renders_its_glyphs_once(monkeypatch):
    text = "0.297 / 86%"
    number = MonoNumber(text, 24, "#ffffff")
    reference = Text(text, font=glyphs.MONO_FONT, font_size=24)
    assert number.width == pytest.approx(reference.width, rel=0.01)
    assert number.height == pytest.approx(reference.height, rel=0.01)
    created = []
    monkeypatch.setattr(glyphs, "Words", lambda *a, **k: created.append(a) or Text(*a, **k))
    for size in (17, 24, 30):
        MonoNumber("12", size, "#ffffff")
    assert created == [], "glyphs are rendered once, then scaled to each size"
    number.set_text("nan")
    assert number.body.has_points()
    with pytest.raises(ValueError, match="no glyph"):
        number.set_text("x1")


def test_mono_number_keeps_its_place_when_the_text_changes():
    number = MonoNumber("100", 30, "#ffffff").move_to([2, 1, 0])
    left = number.body.get_left()
    number.set_text("7")
    assert number.body.get_left()[0] == pytest.approx(left[0], abs=0.05)


def test_numbers_are_filled_once_per_text_and_look_as_manim_draws_them(monkeypatch):
    number = MonoNumber("0.297 / 86%", 30, "#ffcc00").move_to([-2, 1, 0])
    assert np.abs(draw(PanelCamera, number) - draw(Camera, number)).max() <= 2
    # with a halo (a wide background-coloured outline under the glyphs) over a line
    line_through = []
    for halo in (None, "#000000"):
        line = Line([-5, 1, 0], [1, 1, 0], stroke_color="#ffffff", stroke_width=4)
        haloed = MonoNumber("-0.98", 30, "#ffcc00", halo=halo).move_to([-2, 1, 0])
        together = VGroup(line, haloed)
        with_cache, plain = draw(PanelCamera, together), draw(Camera, together)
        assert np.abs(with_cache - plain).max() <= 2
        row, left = to_pixel(haloed.get_left(), plain.shape)
        right = to_pixel(haloed.get_right(), plain.shape)[1]
        line_through.append(int((plain[row - 2:row + 3, left:right].min(axis=2) > 240).sum()))
    assert line_through[1] < line_through[0] / 3, f"the halo hides the line: {line_through}"

    camera = PanelCamera()
    filled = []
    original = Camera.display_vectorized
    monkeypatch.setattr(Camera, "display_vectorized",
                        lambda self, vm, ctx: filled.append(vm) or original(self, vm, ctx))
    for text in ("1", "1", "1", "2", "2"):
        number.set_text(text)
        camera.reset()
        camera.capture_mobjects([number])
    assert filled.count(number.body) == 2, "filled again only when the text changed"
    assert number.anchor not in filled, "a point (the number's anchor) has nothing to fill"
    lit = camera.pixel_array[..., :3].sum(axis=2) > 0
    assert lit.any()


def test_contour_segments_trace_a_circle_as_one_closed_line():
    y, x = np.mgrid[0:40, 0:40].astype(float)
    distance = np.hypot(x - 19.3, y - 20.1)
    segments = contour_segments(distance, 12.0)
    ends = segments.reshape(-1, 2)
    radii = np.hypot(ends[:, 0] - 19.3, ends[:, 1] - 20.1)
    assert np.abs(radii - 12.0).max() < 0.1  # linear interpolation of a near-linear field
    assert abs(np.linalg.norm(segments[:, 1] - segments[:, 0], axis=1).sum()
               - 2 * np.pi * 12) < 0.5
    # closed: every end point is shared by exactly two segments
    _, counts = np.unique(np.round(ends, 9), axis=0, return_counts=True)
    assert (counts == 2).all()


def test_contour_saddle_follows_the_centre_value():
    low_centre = np.array([[1.0, 0.0], [0.0, 1.0]])  # centre 0.5: not above 0.5
    cut = {tuple(map(tuple, s)) for s in contour_segments(low_centre, 0.5)}
    assert cut == {((0.5, 0.0), (0.0, 0.5)), ((0.5, 1.0), (1.0, 0.5))}
    high_centre = np.array([[1.0, 0.0], [0.2, 1.0]])  # centre 0.55: the ones join
    cut = {tuple(map(tuple, np.round(s, 9))) for s in contour_segments(high_centre, 0.5)}
    # top (0.5, 0) to right (1, 0.5); bottom at x = 0.3 / 0.8, left at y = 0.5 / 0.8
    assert cut == {((0.5, 0.0), (1.0, 0.5)), ((0.375, 1.0), (0.0, 0.625))}


@pytest.mark.parametrize("direct", [True, False], ids=["into the image", "through a mask"])
def test_contour_painter_draws_an_antialiased_line_where_the_level_is_crossed(direct):
    if direct and sys.byteorder != "little":
        pytest.skip("Cairo draws straight into RGBA images on little-endian machines only")
    grid = np.tile(np.linspace(0, 1, 11), (11, 1))  # 0.5 half-way across
    image = np.full((101, 101, 4), 255, np.uint8)
    image[..., :3] = 0
    ContourPainter(101, 2.0, np.array([1.0, 0.6, 0.2]), direct).paint(image, grid)
    assert (image[..., 3] == 255).all()
    brightest = image[50, 50:52, :3].max(axis=0).astype(int)
    assert np.abs(brightest - [255, 153, 51]).max() <= 3, "red, green, blue in that order"
    row = image[50, :, 0].astype(int)
    assert row.argmax() in (50, 51) and row.max() > 200
    assert row[:45].max() == 0 and row[57:].max() == 0
    assert (image[5:-5, 48:53, 0].max(axis=1) > 200).all(), "the line runs top to bottom"


@pytest.mark.parametrize(("value", "decimals", "shown"), [
    (-0.004, 2, "0.00"), (-0.0, 3, "0.000"), (-0.006, 2, "-0.01"), (0.004, 2, "0.00"),
    (-1234.5, 2, "-1.2e+03"), (1.5, 1, "1.5")])
def test_a_compact_number_is_never_a_negative_zero(value, decimals, shown):
    from scenes.numerals import compact

    assert compact(value, decimals) == shown


def test_network_panel_draws_again_only_on_a_change_an_eye_can_see(diagram, monkeypatch):
    panel = NetworkRaster(diagram, THEME, 90, pad=0.06, thumbnail_side=0.5)
    strokes = []
    real = cairo.Context.stroke

    class Counting(cairo.Context):
        def stroke(self):
            strokes.append(1)
            real(self)

    monkeypatch.setattr("scenes.network_raster.cairo.Context", Counting)
    signed = np.linspace(-1, 1, edge_count(diagram))
    fills = {(0, 0): np.array([0.2, 0.4, 0.6])}

    def drawn(edges, node=fills) -> bool:
        strokes.clear()
        panel.draw(edges, node)
        return bool(strokes)

    assert drawn(signed)
    first = panel.image.pixel_array.copy()
    # under a 0.3 % change of strength and one fill level: the image stands
    assert not drawn(signed + 0.002)
    assert not drawn(signed, {(0, 0): np.array([0.2 + 1 / 255, 0.4, 0.6])})
    assert np.array_equal(panel.image.pixel_array, first)
    # small steps add up: each is measured from what was drawn last, not the step before
    assert not drawn(signed + 0.0025) and drawn(signed + 0.005)
    assert drawn(signed + 0.005, {(0, 0): np.array([0.2 + 3 / 255, 0.4, 0.6])})
    # rings and maps are changes too, however still the edges
    panel.set_stroke(1, 0, np.array([1.0, 0.0, 0.0]))
    assert drawn(signed + 0.005, {(0, 0): np.array([0.2 + 3 / 255, 0.4, 0.6])})
    panel.set_map(1, 1, np.zeros((4, 4, 3), np.uint8))
    assert drawn(signed + 0.005, {(0, 0): np.array([0.2 + 3 / 255, 0.4, 0.6])})
