"""Interrupts (Ctrl-C, SIGTERM, SIGHUP) as one exception, raised once.

``install`` turns each of these signals into ``Interrupted`` in the main thread, so
that every ``finally`` on the way out removes its temporary files; the command line
then prints one line and exits with code 2. A second signal during that clean-up
is ignored, so the clean-up finishes. ``held()`` delays an interrupt until a short
block is done: the renames that put a group of outputs in place go together.
A library's bare ``except:`` can swallow the exception (some imports do), so
``raise_if_swallowed()`` raises it again where work would go on.
"""

import os
import signal
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """A signal asked the command to stop; ``name`` is the signal's, e.g. SIGTERM."""

    def __init__(self, signum: int):
        self.name = signal.Signals(signum).name
        super().__init__(self.name)


class _State:
    raised: Interrupted | None = None
    holding = False
    pending: Interrupted | None = None


def _handler(signum, frame) -> None:
    if _State.raised is not None:
        return
    _State.raised = Interrupted(signum)
    if _State.holding:
        _State.pending = _State.raised
        return
    raise _State.raised


def raise_if_swallowed() -> None:
    """Raise the interrupt again if one arrived and the command is still going on:
    an ``except:`` in a library caught it instead of letting it through."""
    if _State.raised is not None:
        raise _State.raised


def install() -> None:
    """Call first thing in the main thread, before the slow imports. A signal that
    was ignored when the command started (nohup, a background job) stays ignored;
    render.sh names those in BACKPROP_IGNORED_SIGNALS, as it must ignore every one of
    them itself for the moments before this runs."""
    named = os.environ.get("BACKPROP_IGNORED_SIGNALS")
    for sig in SIGNALS:
        ignored = (sig.name in named.split() if named is not None
                   else signal.getsignal(sig) == signal.SIG_IGN)
        signal.signal(sig, signal.SIG_IGN if ignored else _handler)


@contextmanager
def held():
    """An interrupt that arrives inside the block is raised when the block ends."""
    _State.holding = True
    try:
        yield
    finally:
        _State.holding = False
    if _State.pending is not None:
        pending, _State.pending = _State.pending, None
        raise pending
