"""The LaTeX and text cache: each render works in a private scratch folder seeded
from the shared store, and adds to the store only whole files, never overwriting."""

import os

from core import files
from scenes import cache


def test_text_cache_is_forgotten_when_fonts_change(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "old.svg").write_text("boxes")
    cache.refresh_text_cache(tmp_path)
    assert not (tmp_path / "texts").exists(), "first run: the fonts are unknown"
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "kept.svg").write_text("ok")
    cache.refresh_text_cache(tmp_path)
    assert (tmp_path / "texts" / "kept.svg").exists(), "same fonts: the cache stays"
    (tmp_path / "fonts.txt").write_text("another font list")
    cache.refresh_text_cache(tmp_path)
    assert not (tmp_path / "texts").exists(), "fonts changed: the cache goes"


def test_scratch_is_seeded_private_and_kept_without_overwriting(tmp_path):
    with cache.Scratch(tmp_path):  # a first render makes the store
        pass
    (tmp_path / "Tex" / "a.svg").write_text("latex a")
    (tmp_path / "texts" / "t.svg").write_text("text t")
    with cache.Scratch(tmp_path) as scratch:
        tex, text = (scratch.folder / "Tex", scratch.folder / "texts")
        assert scratch.dirs == {"tex_dir": str(tex), "text_dir": str(text)}
        assert (tex / "a.svg").read_text() == "latex a"
        # a text's SVG comes when the text asks for it, not before
        assert not (text / "t.svg").exists()
        cache.seed_text(text / "t.svg")
        cache.seed_text(text / "never-made.svg")  # manim makes it then
        assert sorted(p.name for p in text.iterdir()) == ["t.svg"]
        # manim rewrites text SVGs in place: the scratch holds a copy, not the store's file
        (text / "t.svg").write_text("rewritten")
        assert (tmp_path / "texts" / "t.svg").read_text() == "text t"
        cache.seed_text(text / "t.svg")
        assert (text / "t.svg").read_text() == "rewritten", "what the render has, it keeps"
        # what this render makes, what another render made meanwhile, manim's temporaries
        (tex / "b.svg").write_text("latex b")
        (tex / "c.svg").write_text("mine")
        (tmp_path / "Tex" / "c.svg").write_text("theirs")
        (tex / "b_.svg").write_text("manim's temporary copy")
        (tex / "b.log").write_text("latex log")
        assert scratch.keep() == 1
    assert (tmp_path / "Tex" / "b.svg").read_text() == "latex b"
    assert (tmp_path / "Tex" / "c.svg").read_text() == "theirs", "never overwritten"
    assert sorted(p.name for p in (tmp_path / "Tex").iterdir()) == ["a.svg", "b.svg", "c.svg"]
    assert not scratch.folder.exists(), "the scratch folder goes when the render ends"


def test_scratch_of_a_killed_render_is_removed(tmp_path):
    dead = tmp_path / ".scratch-999999999-x"  # no such process
    alive = tmp_path / f".scratch-{os.getpid()}-y"
    dead.mkdir(parents=True)
    alive.mkdir()
    with cache.Scratch(tmp_path):
        pass
    assert not dead.exists() and alive.exists()


def test_parses_are_kept_by_content_and_only_for_a_renders_own_files(tmp_path):
    with cache.Scratch(tmp_path) as scratch:
        svg = scratch.folder / "texts" / "a.svg"
        svg.write_text("<svg>a</svg>")
        kept = cache.parsed_path(svg, "Words|defaults")
        assert kept.parent == tmp_path / cache.PARSED
        assert cache.parsed_path(svg, "Words|defaults") == kept
        assert cache.parsed_path(svg, "Formula|defaults") != kept, "shaped otherwise"
        svg.write_text("<svg>b</svg>")
        assert cache.parsed_path(svg, "Words|defaults") != kept, "other bytes"
        files.write_bytes(kept, b"outlines", output=False)
        files.write_bytes(kept, b"outlines again", output=False)  # another render made it too
        assert kept.read_bytes() == b"outlines again"
        assert [p.name for p in kept.parent.iterdir()] == [kept.name], "no part left over"
    elsewhere = tmp_path / "manim" / "texts" / "a.svg"  # manim's own folders
    elsewhere.parent.mkdir(parents=True)
    elsewhere.write_text("<svg>a</svg>")
    assert cache.parsed_path(elsewhere, "Words|defaults") is None
    cache.seed_text(elsewhere.parent / "b.svg")
    assert not (elsewhere.parent / "b.svg").exists()
