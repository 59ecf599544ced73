"""An ArgumentParser whose errors are one line on stderr and exit code 2."""

import argparse
import re

NEGATIVE_NUMBER = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^-(inf|nan)$")


class UsageError(Exception):
    """Bad command-line input; the message says what is wrong and how to fix it."""


class Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # argparse takes "-1e3" for an option (its pattern knows "-5" and "-0.5" only)
        self._negative_number_matcher = NEGATIVE_NUMBER

    def error(self, message: str):  # argparse calls this for every usage problem
        raise UsageError(f"{message} (see ./render.sh {self.prog.split()[-1]} --help)"
                         if " " in self.prog else f"{message} (see ./render.sh --help)")
