"""A Cairo camera with fast paths for what the training scene redraws every frame.

manim's general image path builds a perspective transform and composites over
a full-frame buffer for every image, every frame: a few milliseconds each, whatever
the image's size. Our panels are axis-aligned and opaque, so they only need a
resize and a copy into their rectangle. And manim strokes a polyline as a chain
of cubic curves, which Cairo offsets curve by curve: a loss curve of a hundred
points costs about a millisecond that way, and some microseconds as straight
lines. Numbers that change a few times a second are filled once per change,
kept as small surfaces and composited, not filled again every frame. Anything
else takes manim's own path.

Each fast path belongs to a type, so that what takes it is explicit: an
``OpaquePanel`` image, a ``Polyline``, a ``CachedPath``, both at once a
``CachedPolyline``. The camera checks with
``isinstance``; a mobject of any other type is drawn as manim draws it.
"""

import math

import cairo
import numpy as np
from manim import Camera, ImageMobject, VMobject
from PIL import Image


class OpaquePanel(ImageMobject):
    """An opaque, axis-aligned image that the panel camera copies into its rectangle
    (resized only when its on-screen size differs from its pixels'). Set new pixels
    with ``set_pixels``: it counts versions, so that a resize is done once per change."""

    def __init__(self, pixels: np.ndarray, **kwargs):
        super().__init__(pixels, **kwargs)
        self.version = 0
        self.resized: tuple | None = None  # (version, left, top, right, bottom), pixels

    def set_pixels(self, pixels: np.ndarray) -> "OpaquePanel":
        self.pixel_array = pixels
        self.version += 1
        return self


class CachedPath(VMobject):
    """A VMobject that the panel camera rasterises once per change of its points,
    style or the camera's frame, and composites as a patch otherwise: for text that
    changes a few times a second but is drawn every frame."""

    @classmethod
    def of(cls, text: VMobject) -> "CachedPath":
        """A text (any VMobject with filled glyphs) as one such path: its glyphs'
        outlines as subpaths of one mobject, in its fill colour."""
        parts = text.family_members_with_points()
        path = cls(fill_color=parts[0].get_fill_color(), fill_opacity=1.0, stroke_width=0)
        path.set_points(np.vstack([m.points for m in parts]))
        return path


class Polyline(VMobject):
    """A VMobject made only of straight segments through ``corners``. Affine
    transforms (shift, scale, rotate) keep it so; the panel camera then draws it
    with lines between its anchors instead of cubic curves."""

    def set_corners(self, corners: np.ndarray) -> "Polyline":
        if len(corners) == 1:
            corners = np.vstack([corners, corners])
        return self.set_points_as_corners(corners)


class CachedPolyline(CachedPath, Polyline):
    """A Polyline rasterised once per change of its corners: the part of a growing
    curve that no longer changes (see panels/loss.py), composited as a patch."""


class PanelCamera(Camera):
    """An OpaquePanel is copied (resized again only when its version or place
    changes), a Polyline drawn as lines, a CachedPath rasterised once per change, and
    a VMobject of fewer than two points (nothing to draw) skipped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rasters: dict[int, tuple] = {}  # id(vmobject) -> (key, surface, left, top)

    def display_vectorized(self, vmobject, ctx):
        if len(vmobject.points) < 2:  # a point (a number's anchor) has nothing to draw,
            return self  # but manim would set up a path, a fill and a stroke for it
        if not isinstance(vmobject, CachedPath):
            return super().display_vectorized(vmobject, ctx)
        points = self.transform_points_pre_display(vmobject, vmobject.points)
        matrix = ctx.get_matrix()
        key = (hash(points.tobytes()), tuple(matrix), vmobject.get_fill_rgbas().tobytes(),
               vmobject.get_stroke_rgbas().tobytes(), vmobject.get_stroke_width(),
               vmobject.get_stroke_rgbas(background=True).tobytes(),
               vmobject.get_stroke_width(background=True))
        cached = self.rasters.get(id(vmobject))
        if cached is None or cached[0] != key:
            cached = (key, *self.rasterise(vmobject, points, matrix))
            self.rasters[id(vmobject)] = cached
        _, surface, left, top = cached
        # Cairo composites the patch "over" the frame, as it would have drawn the path
        ctx.save()
        ctx.identity_matrix()
        ctx.set_source_surface(surface, left, top)
        ctx.paint()
        ctx.restore()
        return self

    def rasterise(self, vmobject, points: np.ndarray, matrix: cairo.Matrix) -> tuple:
        """The vmobject drawn by manim into a transparent surface just its size."""
        xs = points[:, 0] * matrix.xx + points[:, 1] * matrix.xy + matrix.x0
        ys = points[:, 0] * matrix.yx + points[:, 1] * matrix.yy + matrix.y0
        stroke = max(vmobject.get_stroke_width(), vmobject.get_stroke_width(background=True))
        margin = 2 + stroke * self.cairo_line_width_multiple * abs(matrix.xx)
        left, top = math.floor(xs.min() - margin), math.floor(ys.min() - margin)
        width = math.ceil(xs.max() + margin) - left
        height = math.ceil(ys.max() + margin) - top
        surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, max(width, 1), max(height, 1))
        patch = cairo.Context(surface)
        patch.set_matrix(cairo.Matrix(matrix.xx, matrix.yx, matrix.xy, matrix.yy,
                                      matrix.x0 - left, matrix.y0 - top))
        super().display_vectorized(vmobject, patch)
        surface.flush()
        return surface, left, top

    def set_cairo_context_path(self, ctx, vmobject):
        if not isinstance(vmobject, Polyline) or len(vmobject.points) < 4:
            return super().set_cairo_context_path(ctx, vmobject)
        points = self.transform_points_pre_display(vmobject, vmobject.points)
        # each cubic is anchor, handle, handle, anchor: the anchors are the corners
        xy = np.vstack([points[::4, :2], points[-1:, :2]]).tolist()
        ctx.new_path()
        ctx.move_to(*xy[0])
        for x, y in xy[1:]:
            ctx.line_to(x, y)
        return self

    def display_image_mobject(self, image_mobject, pixel_array: np.ndarray) -> None:
        if not isinstance(image_mobject, OpaquePanel):
            return super().display_image_mobject(image_mobject, pixel_array)
        corners = self.points_to_subpixel_coords(image_mobject, image_mobject.points)
        (x0, y0), (x1, _), (_, y2) = corners[0], corners[1], corners[2]
        if abs(corners[0][1] - corners[1][1]) > 0.5 or abs(corners[0][0] - corners[2][0]) > 0.5:
            return super().display_image_mobject(image_mobject, pixel_array)  # rotated
        left, top, right, bottom = (int(round(v)) for v in (x0, y0, x1, y2))
        if right <= left or bottom <= top:
            return None
        array = image_mobject.get_pixel_array()
        if abs(array.shape[1] - (right - left)) <= 1 and abs(array.shape[0] - (bottom - top)) <= 1:
            # drawn at its on-screen size already: no resampling, just a copy
            right, bottom = left + array.shape[1], top + array.shape[0]
            resized = array
        else:
            resized = self._resized(image_mobject, array, left, top, right, bottom)
        height, width = pixel_array.shape[:2]
        cl, ct = max(left, 0), max(top, 0)
        cr, cb = min(right, width), min(bottom, height)
        if cr <= cl or cb <= ct:
            return None
        patch = resized[ct - top:cb - top, cl - left:cr - left]
        pixel_array[ct:cb, cl:cr, :patch.shape[2]] = patch
        return None

    @staticmethod
    def _resized(panel: OpaquePanel, array, left, top, right, bottom) -> np.ndarray:
        key = (panel.version, left, top, right, bottom)
        if panel.resized is not None and panel.resized[0] == key:
            return panel.resized[1]
        image = Image.fromarray(array, mode="RGBA")
        resized = np.asarray(image.resize((right - left, bottom - top),
                                          panel.resampling_algorithm))
        panel.resized = (key, resized)
        return resized


class PathCachingCamera(Camera):
    """A Cairo camera that traces each VMobject's outline once per shape.

    While anything moves, manim redraws every mobject above the first moving one, every
    frame, and most of those (the labels, the formulas, the nodes) are the same shape as
    in the frame before. Turning their points into a Cairo path costs more than filling
    it, so the path is kept per mobject and traced again only when its points or the
    frame's transform change.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.paths: dict[int, tuple] = {}  # id(vmobject) -> (points bytes, matrix, path)

    def set_cairo_context_path(self, ctx, vmobject):
        points = vmobject.points
        if len(points) == 0:
            return super().set_cairo_context_path(ctx, vmobject)
        shape, matrix = points.tobytes(), tuple(ctx.get_matrix())
        cached = self.paths.get(id(vmobject))
        if cached is not None and cached[0] == shape and cached[1] == matrix:
            ctx.new_path()
            ctx.append_path(cached[2])
            return self
        super().set_cairo_context_path(ctx, vmobject)
        self.paths[id(vmobject)] = (shape, matrix, ctx.copy_path())
        return self
