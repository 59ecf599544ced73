"""An interrupt that a library swallows still stops the command.

Some libraries catch everything (``except:``) around their own code, imports
included, so the exception our handler raises can vanish while the work goes on.
Each case runs in its own Python so that its signal handlers are its own."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SWALLOWED = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from core import files, interrupts

    interrupts.install()
    dest, tmp = Path(sys.argv[1]), Path(sys.argv[2])
    try:  # a library that catches everything, as some imports do
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(1000):
            pass
    except:  # noqa: E722
        print("swallowed")
    try:
        files.publish([(tmp, dest)])
    except interrupts.Interrupted as err:
        print("stopped", err.name)
""")


def run(script: str, *args) -> str:
    done = subprocess.run([sys.executable, "-c", script, *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_an_interrupt_swallowed_by_a_library_stops_the_publishing(tmp_path):
    dest, tmp = tmp_path / "forward.mp4", tmp_path / ".tmp-forward.mp4"
    dest.write_bytes(b"old")
    tmp.write_bytes(b"new")
    assert run(SWALLOWED, dest, tmp) == ["swallowed", "stopped", "SIGHUP"]
    assert dest.read_bytes() == b"old"


def test_without_an_interrupt_publishing_goes_on(tmp_path):
    dest, tmp = tmp_path / "forward.mp4", tmp_path / ".tmp-forward.mp4"
    tmp.write_bytes(b"new")
    assert run(SWALLOWED.replace("os.kill(os.getpid(), signal.SIGHUP)", "pass"),
               dest, tmp) == []
    assert dest.read_bytes() == b"new"


def test_an_interrupt_swallowed_while_starting_ends_the_command(tmp_path):
    """The start-up path of ``python -m cli``: an interrupt during the imports."""
    script = textwrap.dedent("""
        import os, runpy, signal, sys
        import builtins
        real_import = builtins.__import__

        def swallowing_import(name, *args, **kwargs):  # a library's try/except: at import
            module = real_import(name, *args, **kwargs)
            if name == "cli.main":
                try:
                    os.kill(os.getpid(), signal.SIGTERM)
                    for _ in range(1000):
                        pass
                except:  # noqa: E722
                    pass
            return module

        builtins.__import__ = swallowing_import
        sys.argv = ["cli", "list"]
        runpy.run_module("cli", run_name="__main__")
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "interrupted (SIGTERM) while starting" in done.stderr
    assert "Traceback" not in done.stderr


SWALLOWED_WHILE_RENDERING = textwrap.dedent("""
    import os, signal
    from core import interrupts
    from scenes.encoder import FastWriter

    interrupts.install()
    try:  # swallowed mid-render, as an exception raised in a __del__ is
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):
            pass
    except:  # noqa: E722
        print("swallowed")
    try:  # the next frame the render writes
        FastWriter.write_frame(object.__new__(FastWriter), None)
    except interrupts.Interrupted as err:
        print("stopped", err.name)
""")


def test_a_render_stops_at_the_next_frame_after_a_swallowed_interrupt():
    assert run(SWALLOWED_WHILE_RENDERING) == ["swallowed", "stopped", "SIGTERM"]
