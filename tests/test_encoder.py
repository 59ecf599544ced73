"""The encoder's shortcut for held frames: the same video as manim's, one colour
conversion per held frame instead of one per copy."""

import av
import numpy as np
from manim.scene.scene_file_writer import _PartialMovieEncodeJob

from scenes import encoder
from scenes.encoder import HeldFrameJob


def encode(job_class, path, frames):
    """A partial movie of ``frames`` ((array, copies), ...) by ``job_class``; its bytes."""
    container = av.open(str(path), mode="w")
    stream = container.add_stream("libx264", rate=15, options={"crf": "23"})
    stream.pix_fmt, stream.width, stream.height = "yuv420p", 64, 48
    job = job_class(path, 0, container, stream, 0)
    for array, copies in frames:
        job.put(copies, array)
    job.seal()
    job.join()
    return path.read_bytes()


def picture(shade: int) -> np.ndarray:
    frame = np.zeros((48, 64, 4), np.uint8)
    frame[..., 3] = 255
    frame[10:30, 5:40] = (shade, 255 - shade, 90, 255)
    return frame


FRAMES = [(picture(30), 1), (picture(200), 7), (picture(120), 1), (picture(60), 4)]


def test_held_frames_encode_to_manims_own_bytes(tmp_path):
    ours = encode(HeldFrameJob, tmp_path / "ours.mp4", FRAMES)
    manims = encode(_PartialMovieEncodeJob, tmp_path / "manims.mp4", FRAMES)
    assert ours == manims
    with av.open(str(tmp_path / "ours.mp4")) as video:
        assert sum(1 for _ in video.decode(video=0)) == 13


def test_a_held_frame_is_converted_from_rgba_once(tmp_path, monkeypatch):
    rgba = []
    original = av.VideoFrame.from_ndarray

    def counted(array, format="rgb24", **kwargs):
        if format == "rgba":
            rgba.append(array)
        return original(array, format=format, **kwargs)

    monkeypatch.setattr(encoder.av.VideoFrame, "from_ndarray", counted)
    encode(HeldFrameJob, tmp_path / "held.mp4", FRAMES)
    assert len(rgba) == len(FRAMES), "one conversion per frame written, not per copy"


def test_our_renders_encode_with_the_held_frame_job(tmp_path, monkeypatch):
    from manim import Dot, Scene, tempconfig

    held = []
    original = HeldFrameJob._encode_and_write_frame

    def seen(self, frame, num_frames):
        held.append(num_frames)
        original(self, frame, num_frames)

    monkeypatch.setattr(HeldFrameJob, "_encode_and_write_frame", seen)

    class Still(Scene):
        def construct(self):
            self.add(Dot())
            self.wait(1)

    with tempconfig({"media_dir": str(tmp_path), "pixel_width": 64, "pixel_height": 48,
                     "frame_rate": 15, "verbosity": "ERROR", "progress_bar": "none",
                     "disable_caching": True}):
        Still(renderer=encoder.fast_renderer()).render()
    assert held == [15], "the wait is one frame written 15 times, through our job"
