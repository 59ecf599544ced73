"""Faster H.264 for our animations.

manim encodes with x264's default "medium" preset. Our frames are flat colours
and thin lines, which "veryfast" compresses almost as well at the same quality
(CRF 23) in a fraction of the time, and encoding is a large part of a render.
"""

from manim import SceneFileWriter
from manim.renderer.cairo_renderer import CairoRenderer

PRESET = "veryfast"


class FastWriter(SceneFileWriter):
    def open_partial_movie_stream(self, file_path=None) -> None:
        super().open_partial_movie_stream(file_path)
        context = self._current_encode_job.stream.codec_context
        if context.name == "libx264":  # options apply when the encoder opens
            context.options = {**context.options, "preset": PRESET}


def fast_renderer(camera_class=None) -> CairoRenderer:
    return CairoRenderer(file_writer_class=FastWriter, camera_class=camera_class)
