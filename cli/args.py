"""An ArgumentParser whose errors are one line on stderr and exit code 2."""

import argparse
import sys


class UsageError(Exception):
    """Bad command-line input; the message says what is wrong and how to fix it."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse calls this for every usage problem
        raise UsageError(f"{message} (see ./render.sh {self.prog.split()[-1]} --help)"
                         if " " in self.prog else f"{message} (see ./render.sh --help)")


def fail(message: str) -> int:
    print(f"render.sh: error: {message}", file=sys.stderr)
    return 2
