"""./render.sh slides: the deck's arguments, then the render library's deck."""

from cli.args import VERBOSE_HELP, Parser, UsageError, add_look, config_source
from cli.console import say
from scenes.registry import SCENES, STORY


def slides_parser(names: list[str] | None = None) -> Parser:
    """The deck's arguments; with the scenes named, their own options too (each
    option once, checked again by every scene that declares it)."""
    from scenes.pipeline import QUALITIES, QUALITY_HELP, Request

    parser = Parser(prog="render.sh slides",
                    description="One deck from several scenes, one slide per step.")
    parser.add_argument("scenes", nargs="*", metavar="SCENE",
                        help=f"scenes in order (default: {' '.join(STORY)})")
    parser.add_argument("-o", "--output", required=True, help="deck.html, deck.pdf or deck.pptx")
    parser.add_argument("--config", nargs="+", metavar="CONFIG",
                        help="a preset name or a .toml path for every scene (default: each "
                             "scene's own); several, for scenes that set runs side by side "
                             "(compare)")
    parser.add_argument("-q", "--quality", choices=tuple(QUALITIES), default=Request.quality,
                        help=f"{QUALITY_HELP} (default {Request.quality})")
    add_look(parser)
    parser.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)
    for option in scene_options(names or []):
        option.add_to(parser, given_only=True)
    return parser


def scene_options(names: list[str]) -> list:
    """The options the named scenes declare, each name once, in order."""
    seen = {}
    for name in names:
        if name in SCENES:
            for option in SCENES[name].load().OPTIONS:
                seen.setdefault(option.name, option)
    return list(seen.values())


def parse(argv: list[str]):
    """Two passes: the scene names (found knowing every scene's options, so that an
    option's value is not taken for a name) decide which options the deck accepts."""
    first, _ = slides_parser(list(SCENES)).parse_known_args(argv)
    names = first.scenes or STORY
    unknown = [n for n in names if n not in SCENES]
    if unknown:
        raise UsageError(f"unknown scene {unknown[0]!r}; scenes: {', '.join(SCENES)}")
    args = slides_parser(names).parse_args(argv)
    args.scenes = names
    return args


def requests(args) -> list:
    """One Request per scene: the deck's config and look, and the options it declares."""
    from scenes.pipeline import Request

    out = []
    for name in args.scenes:
        options = {o.name: getattr(args, o.name) for o in SCENES[name].load().OPTIONS
                   if hasattr(args, o.name)}
        out.append(Request(name, config_source(args.config), quality=args.quality,
                           theme=args.theme, lang=args.lang, options=options,
                           verbose=args.verbose))
    return out


def cmd_slides(argv: list[str]) -> int:
    from scenes.decks import build_deck, check_deck, plan_deck

    args = parse(argv)
    dest = check_deck(args.output)
    steps = build_deck(plan_deck(requests(args), dest), dest)
    say(f"{dest} ({dest.stat().st_size / 1024:.0f} KiB, {steps} steps)")
    return 0
