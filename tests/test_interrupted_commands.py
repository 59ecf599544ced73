"""Every command survives interrupts, renders running beside it and a closed stdout,
driven through the real ./render.sh: exit code 2 and one line, previous outputs byte
for byte as they were, no temporary file or folder left, no process left running.
"""

import os
import signal
import subprocess
import time
from pathlib import Path

import av
import pytest

from tests.test_reliability import OLD, RENDER, assert_one_line_error, leftovers, write

# --- 5. interrupts: SIGINT, SIGTERM, SIGHUP at every stage ----------------------------------

def start(argv: list, cwd: Path, env: dict | None = None,
          stdout=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen([RENDER, *map(str, argv)], cwd=cwd, stdout=stdout,
                            stderr=subprocess.PIPE, text=True, env=env)


def wait_for(condition, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def in_python(process: subprocess.Popen) -> bool:
    """render.sh has handed over to Python (exec keeps the process id)."""
    try:
        return b"-m\0cli" in Path(f"/proc/{process.pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False


def catches(process: subprocess.Popen, sig: int) -> bool:
    """The process has a handler for the signal (the kernel's SigCgt mask)."""
    try:
        status = Path(f"/proc/{process.pid}/status").read_text()
    except FileNotFoundError:
        return False
    mask = int(next(line.split()[1] for line in status.splitlines()
                    if line.startswith("SigCgt:")), 16)
    return bool(mask >> (sig - 1) & 1)


def slow_setup_env(tmp_path: Path) -> dict:
    """render.sh's package check takes 7 × 0.5 s: a window to interrupt its set-up."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "dpkg-query"
    fake.write_text("#!/bin/sh\nsleep 0.5\necho 'install ok installed'\n")
    fake.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


def finish(process: subprocess.Popen, timeout: float = 60.0) -> tuple[int, str]:
    out, err = process.communicate(timeout=timeout)
    assert out == "", "nothing was written, so no path is printed"
    return process.returncode, err


@pytest.mark.parametrize("stage", ["set-up", "start-up", "rendering"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
                         ids=lambda sig: sig.name)
def test_an_interrupted_render_changes_nothing(tmp_path, sig, stage):
    out = tmp_path / "out" / "forward.mp4"
    out.parent.mkdir()
    out.write_bytes(OLD)
    out.with_suffix(".vtt").write_bytes(OLD)
    env = {**(slow_setup_env(tmp_path) if stage == "set-up" else os.environ),
           "BACKPROP_CACHE": str(tmp_path / "cache")}  # its own, to see what is left in it
    process = start(["forward", "-q", "l", "-o", out], tmp_path, env)
    if stage == "set-up":
        time.sleep(0.3)
        assert not in_python(process)
    elif stage == "start-up":
        # the moment Python's handlers are in place: its imports go on for 0.2 s more
        wait_for(lambda: in_python(process) and catches(process, sig), "Python's handlers")
    else:
        wait_for(lambda: any(out.parent.glob(".render-*/**/partial_movie_files/**/*.mp4")),
                 "frames being encoded")
    process.send_signal(sig)
    code, err = finish(process)
    assert_one_line_error(code, err, "interrupted", "no output file was changed")
    assert out.read_bytes() == OLD and out.with_suffix(".vtt").read_bytes() == OLD
    assert sorted(p.name for p in out.parent.iterdir()) == ["forward.mp4", "forward.vtt"]
    assert leftovers(tmp_path) == []


def test_an_interrupted_trace_keeps_the_old_trace(tmp_path):
    config = write(tmp_path, "long.toml", "[train]\niterations = 1000000\n"
                                          "[trace]\nframes = 2\nneuron_grid = 0\n")
    out = tmp_path / "run.npz"
    out.write_bytes(OLD)
    process = start(["trace", config, "-o", out], tmp_path)
    wait_for(lambda: in_python(process), "Python")
    time.sleep(2.0)  # training by now
    process.send_signal(signal.SIGTERM)
    code, err = finish(process)
    assert_one_line_error(code, err, "SIGTERM", "no output file was changed")
    assert out.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.toml", "run.npz"]


def test_an_interrupted_deck_keeps_the_old_deck(tmp_path):
    deck = tmp_path / "deck.pdf"
    deck.write_bytes(OLD)
    process = start(["slides", "forward", "cycle", "-q", "l", "-o", deck], tmp_path)
    wait_for(lambda: any(tmp_path.glob(".slides-*/.render-*")), "the first scene's render")
    process.send_signal(signal.SIGINT)
    code, err = finish(process)
    assert_one_line_error(code, err, "SIGINT")
    assert deck.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pdf"]


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def gallery_with_old_outputs(tmp_path: Path) -> Path:
    gallery = tmp_path / "media" / "gallery"
    gallery.mkdir(parents=True)
    for name in ("forward-post.mp4", "forward-post.vtt", "backward-post.mp4", "manifest.json"):
        (gallery / name).write_bytes(OLD)
    return gallery


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=lambda sig: sig.name)
def test_stopping_all_stops_its_workers(tmp_path, sig):
    """SIGINT: the workers are stopped and the command says what it finished. SIGKILL
    (no clean-up possible in the parent): the workers stop all the same."""
    gallery = gallery_with_old_outputs(tmp_path)
    process = start(["all", "-q", "l", "-j", "2"], tmp_path)
    wait_for(lambda: len(list(gallery.glob(".render-*"))) == 2, "two workers rendering")
    workers = children(process.pid)
    assert len(workers) == 2
    process.send_signal(sig)
    out, err = process.communicate(timeout=60)
    wait_for(lambda: not any(alive(pid) for pid in workers), "the workers to stop", 60)
    if sig == signal.SIGINT:
        line = assert_one_line_error(process.returncode, err, "interrupted (SIGINT)")
    else:
        assert process.returncode == -signal.SIGKILL
        line = ""
    wait_for(lambda: leftovers(gallery) == [], "the workers' clean-up", 30)
    for path in gallery.iterdir():  # as it was, unless reported finished
        assert path.read_bytes() == OLD or str(path.relative_to(tmp_path)) in line + out, path


# --- 6. renders side by side ----------------------------------------------------------------

def test_renders_at_the_same_time_share_the_cache_safely(tmp_path):
    """Three renders at once on an empty cache, two of them to the same file: manim's
    LaTeX and SVG files once collided in the shared cache folders."""
    env = {**os.environ, "BACKPROP_CACHE": str(tmp_path / "cache")}
    outs = [tmp_path / "a.mp4", tmp_path / "a.mp4", tmp_path / "b.mp4"]
    processes = [start([scene, "-q", "l", "-o", out], tmp_path, env)
                 for scene, out in zip(["chain-rule", "chain-rule", "forward"], outs)]
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0 and err == "", err[-3000:]
    for out in set(outs):
        with av.open(str(out)) as video:
            assert video.streams.video[0].frames > 10
    assert any((tmp_path / "cache" / "Tex").glob("*.svg"))
    assert leftovers(tmp_path) == []


# --- 7. a closed stdout ---------------------------------------------------------------------

def test_a_closed_stdout_neither_stops_the_render_nor_splits_its_files(tmp_path):
    out = tmp_path / "forward.mp4"
    out.write_bytes(OLD)
    out.with_suffix(".vtt").write_bytes(OLD)
    reader, writer = os.pipe()
    os.close(reader)  # like `| head -0`: every write to stdout fails
    process = start(["forward", "-q", "l", "-o", out], tmp_path, stdout=writer)
    os.close(writer)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0 and err == "", err
    assert out.read_bytes() != OLD and out.with_suffix(".vtt").read_text().startswith("WEBVTT")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forward.mp4", "forward.vtt"]


@pytest.mark.parametrize("argv", [["list"], ["--help"], ["forward", "--help"]])
def test_a_closed_stdout_gives_no_traceback(tmp_path, argv):
    reader, writer = os.pipe()
    os.close(reader)
    process = start(argv, tmp_path, stdout=writer)
    os.close(writer)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0 and err == "", err


def test_one_line_errors_reach_the_terminal_through_render_sh(tmp_path):
    """The in-process cases above run what render.sh runs; one case end to end."""
    process = start(["chain-rule", "--x", "nan", "-o", tmp_path / "x.mp4"], tmp_path)
    code, err = finish(process)
    assert_one_line_error(code, err, "--x", "nan", "-100 to 100")
    assert list(tmp_path.iterdir()) == []
