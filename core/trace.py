"""The trace: every recorded state of a training run, and its .npz file.

Arrays (S = number of states kept, S - 1 updates; see README for the full list):
``W{i}``/``b{i}`` (S, ...), ``dW{i}``/``db{i}`` (S - 1, ...), ``loss`` (S,),
``Z{i}``/``A{i}``/``delta{i}`` (S, n_probe, width), decision grids, and ``meta``,
a JSON string with the resolved config and what was run.
"""

import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core import files
from core.errors import ConfigError
from core.network import Network

FORMAT_VERSION = 1


@dataclass
class Trace:
    """Named arrays plus metadata; state t is the network after t updates."""

    arrays: dict[str, np.ndarray]
    meta: dict

    def __getitem__(self, key: str) -> np.ndarray:
        return self.arrays[key]

    def __contains__(self, key: str) -> bool:
        return key in self.arrays

    @property
    def layers(self) -> list[int]:
        return list(self.meta["layers"])

    @property
    def n_weight_layers(self) -> int:
        return len(self.layers) - 1

    @property
    def n_states(self) -> int:
        return len(self.arrays["loss"])

    @property
    def diverged_at(self) -> int | None:
        return self.meta.get("diverged_at")

    def weights(self, t: int) -> list[np.ndarray]:
        return [self.arrays[f"W{i}"][t] for i in range(self.n_weight_layers)]

    def biases(self, t: int) -> list[np.ndarray]:
        return [self.arrays[f"b{i}"][t] for i in range(self.n_weight_layers)]

    def most_moved(self, layer: int, t: int) -> tuple[int, int]:
        """(from, to) of the weight of ``layer`` that the update after state t changes
        most (on a tie, the last in row order)."""
        step = np.abs(self.weights(t + 1)[layer] - self.weights(t)[layer]).ravel()
        last = step.size - 1 - int(np.argmax(step[::-1]))
        i, j = np.unravel_index(last, self.weights(t)[layer].shape)
        return int(i), int(j)

    def gradients(self, t: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        n = self.n_weight_layers
        return ([self.arrays[f"dW{i}"][t] for i in range(n)],
                [self.arrays[f"db{i}"][t] for i in range(n)])

    def network(self, t: int) -> Network:
        """The network at state t, e.g. to evaluate it on new points in tests."""
        net = self.meta["config"]["network"]
        return Network([w.copy() for w in self.weights(t)], [b.copy() for b in self.biases(t)],
                       net["activation"], net["output"], net["loss"], net["bias"],
                       self.meta["config"]["train"]["l2"])


def save(trace: Trace, path: str | os.PathLike) -> Path:
    """Write the trace as a compressed .npz, atomically (temporary file, then rename)."""
    path = Path(path)
    if path.suffix != ".npz":
        raise ConfigError(f"trace output {path} must end in .npz")
    try:
        tmp = files.temporary_beside(path, ".npz")
    except OSError as err:
        raise ConfigError(f"cannot write {path}: {err.strerror}; choose another -o") from None
    try:
        with open(tmp, "wb") as handle:
            np.savez_compressed(handle, meta=np.array(json.dumps(trace.meta, sort_keys=True)),
                                **trace.arrays)
        files.publish([(tmp, path)])
    finally:
        tmp.unlink(missing_ok=True)
    return path


def load(path: str | os.PathLike) -> Trace:
    """Read a trace written by ``save``."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except FileNotFoundError:
        raise ConfigError(f"trace file {path} not found") from None
    except (OSError, ValueError, zipfile.BadZipFile) as err:
        raise ConfigError(f"{path} is not a trace file ({err})") from None
    if "meta" not in arrays:
        raise ConfigError(f"{path} is not a trace file: it has no 'meta' entry")
    meta = json.loads(str(arrays.pop("meta")))
    if meta.get("format") != FORMAT_VERSION:
        raise ConfigError(f"{path} has trace format {meta.get('format')}, this version "
                          f"reads {FORMAT_VERSION}; write it again with ./render.sh trace")
    return Trace(arrays, meta)
