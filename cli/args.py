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


def scene_parser(info) -> Parser:
    """A scene's arguments: the common ones (defaults from the render library's
    Request), then the options the scene declares."""
    from scenes.pipeline import FORMATS, QUALITIES, QUALITY_HELP, Request

    parser = Parser(prog=f"render.sh {info.name}", description=info.summary)
    if info.most_configs > 1:
        parser.add_argument("--config", nargs="+", default=[info.default_config],
                            metavar="CONFIG",
                            help=f"presets or .toml paths, up to {info.most_configs}: each a "
                                 f"run (default {info.default_config})")
    else:
        parser.add_argument("--config", default=info.default_config,
                            help=f"a preset name or a .toml path "
                                 f"(default {info.default_config})")
    parser.add_argument("-q", "--quality", choices=tuple(QUALITIES), default=Request.quality,
                        help=f"{QUALITY_HELP} (default {Request.quality})")
    parser.add_argument("--format", choices=FORMATS,
                        help="output format (default: from -o's extension, else mp4)")
    parser.add_argument("--transparent", action="store_true",
                        help="transparent background (webm, mov, png)")
    parser.add_argument("--web", action="store_true",
                        help="blog size: 640x360 at 12 fps, GIF unless --format says otherwise")
    parser.add_argument("--poster", action="store_true",
                        help="a still of the final frame (same as --format png)")
    parser.add_argument("-o", "--output", help="output file (default media/SCENE-CONFIG.EXT)")
    add_look(parser)
    parser.add_argument("--no-captions", dest="captions", action="store_false",
                        help="do not write the WebVTT captions beside the video")
    parser.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)
    for option in info.load().OPTIONS:
        option.add_to(parser)
    return parser


VERBOSE_HELP = "let the libraries print their progress bars and warnings"


def add_look(parser: Parser) -> None:
    """--theme and --lang, as every command that renders takes them."""
    from scenes.pipeline import Request
    from scenes.settings import LANGS, THEMES

    parser.add_argument("--theme", default=Request.theme, metavar="THEME",
                        help=f"{' | '.join(THEMES)} | a theme .toml file with the colour keys "
                             f"of assets/themes/dark.toml (default {Request.theme})")
    parser.add_argument("--lang", choices=LANGS, default=Request.lang)


def config_source(given: str | list[str] | None):
    """--config's words as a Request takes them: none, one config (as itself: named
    after it), or several (a comparison's runs)."""
    if isinstance(given, list):
        return None if not given else given[0] if len(given) == 1 else list(given)
    return given


def scene_request(info, args):
    """The render library's Request from a scene's parsed arguments."""
    from scenes.pipeline import Request

    options = {option.name: getattr(args, option.name) for option in info.load().OPTIONS}
    return Request(info.name, config_source(args.config), args.output, args.quality,
                   args.format, args.theme, args.lang, args.web, args.transparent, args.poster,
                   args.captions, options, args.verbose)
