"""Faster H.264 for our animations.

manim encodes with x264's default "medium" preset. Our frames are flat colours
and thin lines, which "veryfast" compresses almost as well at the same quality
(CRF 23) in a fraction of the time, and encoding is a large part of a render.

Most of a story scene's frames are held: a finished step stays on screen for
seconds. manim converts a held frame from RGBA to the stream's YUV once per copy,
which costs more than encoding the copy; HeldFrameJob converts it once.
"""

import av
from manim import SceneFileWriter
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import _PartialMovieEncodeJob

from core import interrupts

PRESET = "veryfast"
PLANAR = "yuv420p"  # the pixel format of manim's H.264 (and of a WebM without alpha)


class HeldFrameJob(_PartialMovieEncodeJob):
    """One partial movie's encoder (manim's, pinned at 0.21) that converts a frame
    written n times (a wait, a hold) to YUV once and encodes n copies of that: the
    same bytes, without n colour conversions."""

    def _encode_and_write_frame(self, frame, num_frames: int) -> None:
        if num_frames == 1 or self.stream.pix_fmt != PLANAR:
            super()._encode_and_write_frame(frame, num_frames)
            return
        planes = av.VideoFrame.from_ndarray(frame, format="rgba").reformat(
            format=PLANAR).to_ndarray()
        for _ in range(num_frames):  # a fresh frame each time: the encoder keeps them
            for packet in self.stream.encode(av.VideoFrame.from_ndarray(planes, format=PLANAR)):
                self.container.mux(packet)


class FastWriter(SceneFileWriter):
    def write_frame(self, frame_or_renderer, num_frames: int = 1) -> None:
        # an interrupt a library swallowed (one raised in a __del__ or a callback is
        # only reported) stops the render at the next frame, not when it would end
        interrupts.raise_if_swallowed()
        super().write_frame(frame_or_renderer, num_frames)

    def open_partial_movie_stream(self, file_path=None) -> None:
        super().open_partial_movie_stream(file_path)
        job = self._current_encode_job
        job.__class__ = HeldFrameJob  # its thread waits for frames: none has come yet
        context = job.stream.codec_context
        if context.name == "libx264":  # options apply when the encoder opens
            context.options = {**context.options, "preset": PRESET}


def fast_renderer(camera_class=None) -> CairoRenderer:
    return CairoRenderer(file_writer_class=FastWriter, camera_class=camera_class)
