"""One painter for every picture of values over the input: the decision boundary,
a regression's value map and each hidden unit's map. A value range is cut into 256
levels and each level has its colour, so colouring a frame is one table look-up."""

import numpy as np

from scenes.raster import binary_colours, words


class Heatmap:
    """Values in [low, high] onto a diverging palette: ``negative`` at low, the
    panel's ``base`` at the middle, ``positive`` at high (values outside are clipped)."""

    def __init__(self, base: np.ndarray, negative: np.ndarray, positive: np.ndarray,
                 low: float, high: float, strength: float = 0.75):
        self.low, self.high = float(low), float(high)
        levels = np.linspace(0, 1, 256, dtype=np.float32)
        self.lut = np.clip(binary_colours(levels, base, negative, positive, strength) * 255
                           + 0.5, 0, 255).astype(np.uint8)  # (256, 3) RGB
        self.words = words(self.lut)  # the same colours as opaque RGBA pixel words

    def levels(self, values: np.ndarray) -> np.ndarray:
        """uint8 levels: 0 at low, 255 at high."""
        span = max(self.high - self.low, 1e-12)
        # clipped first: a diverged run's values would overflow float32
        clipped = np.clip(values, self.low, self.high).astype(np.float32)
        scaled = (clipped - self.low) * (255 / span) + 0.5
        return np.clip(scaled, 0, 255).astype(np.uint8)

    def rgb(self, values: np.ndarray) -> np.ndarray:
        """uint8 RGB of each value."""
        return self.lut[self.levels(values)]

    def colour(self, value: float) -> np.ndarray:
        """One value's float RGB in [0, 1]."""
        return self.lut[self.levels(np.array([value]))[0]] / 255

    def paint(self, levels: np.ndarray, rgba: np.ndarray) -> None:
        """Levels (h, w) into an opaque (h, w, 4) uint8 image, in place."""
        np.take(self.words, levels, out=rgba.view(np.uint32)[..., 0])
