"""python -m cli: interrupts are handled before anything slow is imported."""

import sys

from core import interrupts

interrupts.install()
try:
    from cli.main import main

    interrupts.raise_if_swallowed()
except KeyboardInterrupt as err:  # while the libraries load
    from cli.console import fail

    sys.exit(fail(f"interrupted ({getattr(err, 'name', 'SIGINT')}) while starting; "
                  f"no output file was changed"))
sys.exit(main(sys.argv[1:]))
