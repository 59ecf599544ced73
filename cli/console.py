"""What the command line prints: results on stdout, one-line errors on stderr.

A closed stdout (``./render.sh | head -1``) never becomes a traceback and never
stops the work: the lines nobody reads any more are dropped.
"""

import os
import sys


def say(line: str) -> None:
    try:
        print(line, flush=True)
    except BrokenPipeError:
        # point stdout at /dev/null so that later lines and the flush at exit are dropped
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def fail(message: str) -> int:
    """Print the one line of an error; returns the exit code for bad input."""
    try:
        print(f"render.sh: error: {message}", file=sys.stderr, flush=True)
    except OSError:  # stderr closed too: the exit code still says it
        pass
    return 2
