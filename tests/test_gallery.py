"""./render.sh all and ./render.sh gallery: parallel renders, a summary, and a page
whose every video and image loads in headless Chromium."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cli import gallery

CHROMIUM = shutil.which("chromium")


def small_jobs(quality: str) -> list[list[str]]:
    out = gallery.GALLERY
    return [["cycle", "-q", "l", "--iterations", "1", "-o", str(out / "cycle-post.mp4")],
            ["forward", "--web", "-o", str(out / "forward-web.gif")]]


@pytest.fixture
def rendered(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(gallery, "jobs", small_jobs)
    assert gallery.cmd_all(["-j", "2"]) == 0
    assert gallery.cmd_gallery([]) == 0
    return tmp_path / "media" / "gallery", capsys.readouterr().out


def test_all_reports_each_job_and_a_summary(rendered):
    folder, out = rendered
    assert out.count("[1/2]") == 1 and out.count("[2/2]") == 1
    assert "done" in out and "FAILED" not in out
    assert "cycle-post.mp4" in out and "2 outputs in" in out
    assert (folder / "cycle-post.mp4").stat().st_size > 10_000
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "./render.sh cycle -q l --iterations 1 -o media/gallery/cycle-post.mp4" in page


def load_in_chromium(page: Path) -> str:
    profile = page.parent / ".chromium-profile"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--virtual-time-budget=15000", "--dump-dom",
         page.resolve().as_uri()], capture_output=True, text=True, timeout=120,
        env={**os.environ, "HOME": str(page.parent)})
    assert result.returncode == 0, result.stderr[-1000:]
    return result.stdout


def test_every_picture_of_the_gallery_loads_in_chromium(rendered):
    from bs4 import BeautifulSoup

    assert CHROMIUM, "chromium is missing: ./render.sh test installs it"
    folder, _ = rendered
    page = folder / "index.html"
    html = page.read_text(encoding="utf-8")
    # a card whose file is missing must be reported, or the check proves nothing
    page.write_text(html.replace("</main>", '<figure><img src="missing.gif"></figure></main>'),
                    encoding="utf-8")
    dom = BeautifulSoup(load_in_chromium(page), "html.parser")
    media = dom.select("video, img")
    status = {m["src"]: m.get("data-status") for m in media}
    assert status.pop("missing.gif") == "error"
    assert status == {"cycle-post.mp4": "ok", "forward-web.gif": "ok"}


def test_every_gallery_command_line_passes_the_checks_made_before_training(tmp_path,
                                                                          monkeypatch):
    """A recipe the gallery renders (and shows beside its output) must be one the
    command line takes: parsed and checked as ./render.sh would, without rendering."""
    from cli.args import scene_parser, scene_request

    monkeypatch.chdir(tmp_path)  # outputs are checked where they would go
    from scenes.pipeline import plan
    from scenes.registry import SCENES

    lines = gallery.jobs("l")
    assert any("--set" in argv for argv in lines)  # the optimizers at one small η
    for name, *argv in lines:
        info = SCENES[name]
        job = plan(scene_request(info, scene_parser(info).parse_args(argv)))
        if "--set" in argv:
            assert {run["train"]["learning_rate"] for _, run in job.runs} == {0.02}
