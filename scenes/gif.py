"""Web GIFs: one palette for the whole animation, no dithering, and each frame
storing only the pixels that changed (the rest transparent over the previous
frame). Dithered per-frame palettes, what video tools do, turn flat areas into
noise that GIF's LZW cannot compress; unchanged pixels compress to almost nothing.
GIF delays count hundredths of a second: each delay is rounded so that the
running total stays on the video's clock."""

from pathlib import Path

import numpy as np
from PIL import Image

COLOURS = 127          # palette entries for the picture; one more is "unchanged"
SAMPLES = 16
UNCHANGED = COLOURS    # the transparent index


def shared_palette(frames: list[Image.Image]) -> Image.Image:
    """A palette image built from frames spread over the whole animation."""
    step = max(1, len(frames) // SAMPLES)
    picks = frames[::step][:SAMPLES]
    width, height = picks[0].size
    sheet = Image.new("RGB", (width, height * len(picks)))
    for k, frame in enumerate(picks):
        sheet.paste(frame, (0, k * height))
    return sheet.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT,
                          dither=Image.Dither.NONE)


def frames_to_gif(frames: list[Image.Image], fps: float, gif: Path) -> None:
    """A looping GIF; runs of identical frames become one longer frame."""
    palette = shared_palette(frames)
    colours = palette.getpalette()[:3 * COLOURS] + [0, 0, 0]
    indexed = [np.asarray(f.quantize(palette=palette, dither=Image.Dither.NONE))
               for f in frames]
    images, durations, previous = [], [], None
    frame_ms = 1000 / fps
    for current in indexed:
        if previous is not None and np.array_equal(current, previous):
            durations[-1] += frame_ms
            continue
        data = current if previous is None else np.where(current == previous, UNCHANGED,
                                                         current)
        image = Image.fromarray(data.astype(np.uint8), mode="P")
        image.putpalette(colours)
        images.append(image)
        durations.append(frame_ms)
        previous = current
    clock = np.cumsum(durations)
    ticks = np.round(clock / 10).astype(int) * 10  # whole hundredths on the video's clock
    delays = np.diff(np.concatenate([[0], ticks]))
    images[0].save(gif, format="GIF", save_all=True, append_images=images[1:],
                   duration=[int(max(d, 10)) for d in delays], loop=0, optimize=False,
                   disposal=1, transparency=UNCHANGED)


def movie_to_gif(movie: Path, gif: Path, background: str) -> None:
    """A GIF from a movie with an alpha channel, laid over the background colour."""
    import av

    colour = Image.new("RGB", (1, 1), background).getpixel((0, 0))
    frames = []
    with av.open(str(movie)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate or stream.guessed_rate)
        for frame in container.decode(stream):
            rgba = frame.to_image().convert("RGBA")
            canvas = Image.new("RGB", rgba.size, colour)
            canvas.paste(rgba, mask=rgba.getchannel("A"))
            frames.append(canvas)
    frames_to_gif(frames, fps, gif)
