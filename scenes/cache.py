"""LaTeX and text renderings kept between renders, safe for renders at the same time.

manim works inside its cache folders: a LaTeX run deletes every file but .svg and
.tex there, and reading an SVG writes and deletes a sibling ``NAME_.svg``. Two
renders sharing the folders trip over each other's files. So each render works in
a private scratch folder, seeded from the shared store, and adds what it made to
the store when it succeeds. The store only ever gains whole files, through
``os.link``, which never overwrites: readers never see half a file.

Text SVGs are copied into a scratch folder only when a text asks for its own
(``seed_text``): a store holds thousands, a render reads a few dozen. The store also
keeps each SVG's parse (``parsed_path``), named by the SVG's bytes and what shaped
the parse: reading an SVG into glyph outlines costs a text about 0.1 s, more than
anything else in drawing it.
"""

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from core import files

STORE = Path(os.environ.get("BACKPROP_CACHE")
             or Path(__file__).resolve().parent.parent / "media" / "cache")
# manim's folder for each kind, and whether it rewrites its files in place (Text
# strips a path command from its SVG every time): those are copied, the rest linked
KINDS = {"Tex": False, "texts": True}
PARSED = "parsed"  # glyph outlines read from SVGs, by content (see scenes/tex.py)
SCRATCH = ".scratch-"  # a render's own folder in the store: SCRATCH + pid + suffix
FONT_ROOTS = ("/usr/share/fonts", "/usr/local/share/fonts")


class Scratch:
    """``with Scratch() as scratch:`` render with ``scratch.dirs``; call
    ``scratch.keep()`` after a successful render to add its files to the store."""

    def __init__(self, store: Path | None = None):
        self.store = store or STORE
        self.folder: Path | None = None

    def __enter__(self) -> "Scratch":
        self.store.mkdir(parents=True, exist_ok=True)
        refresh_text_cache(self.store)
        remove_abandoned(self.store)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{SCRATCH}{os.getpid()}-", dir=self.store))
        try:
            for kind, rewritten in KINDS.items():
                (self.store / kind).mkdir(exist_ok=True)
                (self.folder / kind).mkdir()
                if rewritten:  # copied when asked for: see seed_text
                    continue
                for shared in (self.store / kind).glob("*.svg"):
                    try:
                        os.link(shared, self.folder / kind / shared.name)
                    except FileNotFoundError:  # removed meanwhile
                        pass
        except BaseException:  # an interrupt: `with` calls __exit__ only after __enter__
            self.__exit__()
            raise
        return self

    @property
    def dirs(self) -> dict[str, str]:
        """manim's config entries for the scratch folders."""
        return {"tex_dir": str(self.folder / "Tex"), "text_dir": str(self.folder / "texts")}

    def keep(self) -> int:
        """Add the SVGs this render made to the store; returns how many were new."""
        added = 0
        for kind in KINDS:
            (self.store / kind).mkdir(exist_ok=True)  # gone if the fonts just changed
            for mine in (self.folder / kind).glob("*.svg"):
                if mine.stem.endswith("_"):  # manim's own temporary copy
                    continue
                try:
                    os.link(mine, self.store / kind / mine.name)
                    added += 1
                except FileExistsError:  # another render made it too
                    pass
        return added

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def store_of(path: Path) -> Path | None:
    """The store whose scratch folder holds ``path`` (a file of one of its kinds), or
    None when manim works in folders of its own (outside a render's scratch)."""
    scratch = Path(path).parent.parent
    return scratch.parent if scratch.name.startswith(SCRATCH) else None


def seed_text(path: Path) -> None:
    """Before manim looks for a text's SVG at ``path`` in a scratch folder: a copy of
    the store's, if it has one (a copy, since manim rewrites it in place)."""
    store = store_of(path)
    if store is None or path.exists():
        return
    try:
        shutil.copyfile(store / "texts" / path.name, path)
    except FileNotFoundError:  # not made yet, or removed by a font change
        pass


def parsed_path(svg: Path, shaped_by: str) -> Path | None:
    """Where the store keeps the parse of the SVG file ``svg`` (in a scratch folder),
    given ``shaped_by``, everything besides its bytes that shapes the parse; None
    outside a scratch folder."""
    store = store_of(svg)
    if store is None:
        return None
    digest = hashlib.sha256(shaped_by.encode() + b"\0" + Path(svg).read_bytes()).hexdigest()
    return store / PARSED / f"{digest[:32]}.pickle"


def remove_abandoned(store: Path) -> None:
    """Scratch folders of renders that were killed (SIGKILL leaves them behind)."""
    for folder in store.glob(f"{SCRATCH}*"):
        try:
            os.kill(int(folder.name.split("-")[1]), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (ValueError, IndexError, PermissionError):
            pass


def refresh_text_cache(store: Path) -> None:
    """Text rendered before a font was installed stays cached as boxes: forget the
    cached texts whenever the installed fonts change."""
    listing = "\n".join(sorted(str(p) for root in FONT_ROOTS
                               for p in Path(root).rglob("*.[ot]t[fc]")))
    stamp = store / "fonts.txt"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == listing:
        return
    shutil.rmtree(store / "texts", ignore_errors=True)
    shutil.rmtree(store / PARSED, ignore_errors=True)  # parses of texts no longer made
    files.write_text(stamp, listing, output=False)
