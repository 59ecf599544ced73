"""Writing output files safely: check the destination before any work, write a
temporary file beside it, then rename it into place, several files as one group.

A rename is atomic, so a reader sees the old file or the new one, never half of
one. ``published()`` lists what was renamed into place, so that an interrupted
command can say exactly which outputs it finished.
"""

import os
import tempfile
from pathlib import Path

from core.errors import ConfigError
from core.interrupts import held, raise_if_swallowed

_published: list[Path] = []


def check_output(path: str | os.PathLike, option: str = "-o") -> Path:
    """The output as a Path, or ConfigError if it could never be written.

    Checked before any training or rendering: an empty name (an unset shell
    variable), an existing folder, a parent that is a file, a folder that takes no
    new file. Nothing is created, so a failed check leaves no trace."""
    text = os.fspath(path)
    if not text.strip():
        raise ConfigError(f"{option} is empty (an unset shell variable?); give a file name")
    path = Path(text)
    if path.is_dir():
        raise ConfigError(f"{option} {path} is a folder; give a file name inside it")
    folder = path.parent
    while not folder.is_dir():
        if folder.exists() or folder.is_symlink() or folder == folder.parent:
            raise ConfigError(f"{option} {path}: {folder} is not a folder; choose another path")
        folder = folder.parent
    try:  # the only sure test: root passes os.access everywhere, even in /proc
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise ConfigError(f"{option} {path}: cannot write in {folder}/ ({err.strerror}); "
                          f"choose a folder you can write to") from None
    return path


def public_mode() -> int:
    """The mode a new file gets under the current umask (mkstemp makes 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def temporary_beside(path: Path, suffix: str = "") -> Path:
    """A new empty file in the destination's folder (made if missing), to be renamed
    onto it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=path.parent)
    os.close(fd)
    return Path(tmp)


def publish(pairs: list[tuple[Path, Path]], output: bool = True) -> list[Path]:
    """Rename each finished file (on the destination's file system) onto its
    destination. An interrupt waits until the whole group is in place. Files that
    are not the command's outputs (a cache's) say ``output=False``."""
    raise_if_swallowed()  # never publish the work of a command that was told to stop
    for source, dest in pairs:
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(source, public_mode())
    with held():
        for source, dest in pairs:
            os.replace(source, dest)
            if output:
                _published.append(dest)
    return [dest for _, dest in pairs]


def write_text(path: Path, text: str, output: bool = True) -> Path:
    """Write a text file atomically."""
    return write_bytes(path, text.encode("utf-8"), output)


def write_bytes(path: Path, data: bytes, output: bool = True) -> Path:
    """Write a file atomically: beside it, then renamed onto it, so that a reader sees
    the whole file or none."""
    tmp = temporary_beside(path, path.suffix)
    try:
        tmp.write_bytes(data)
        publish([(tmp, path)], output)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def published() -> list[Path]:
    """Every file this process has put in place, in order."""
    return list(_published)


def record_published(path: Path) -> None:
    """A file another process (a worker) put in place on this command's behalf."""
    _published.append(path)
