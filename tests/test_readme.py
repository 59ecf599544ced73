"""README documents what the code accepts: every config key, preset and scene."""

from pathlib import Path

from core.config import SCHEMA, preset_names
from scenes.registry import SCENES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_config_key_is_documented():
    for section, keys in SCHEMA.items():
        assert f"**[{section}]**" in README
        for name in keys:
            assert f"| `{name}` |" in README, f"{section}.{name} missing from README"


def test_every_preset_and_scene_is_documented():
    for name in preset_names():
        assert f"`{name}`" in README, name
    for name in SCENES:
        assert f"`{name}`" in README, name


def test_the_two_commands_are_there():
    assert "./render.sh test" in README and "\n./render.sh          #" in README


def table_row(first_cell_start: str) -> list[str]:
    """The cells of the README table row whose first cell starts so."""
    import re

    rows = [line for line in README.splitlines() if line.startswith(f"| {first_cell_start}")]
    assert len(rows) == 1, f"one README row for {first_cell_start}, found {len(rows)}"
    cells = re.split(r"(?<!\\)\|", rows[0])[1:-1]
    return [cell.replace("\\|", "|").strip() for cell in cells]


def test_every_scene_option_is_documented_with_its_range_and_default():
    seen = set()
    for info in SCENES.values():
        for option in info.load().OPTIONS:
            if option.name in seen:
                continue
            seen.add(option.name)
            _, meaning, accepted, default = table_row(f"`{option.flag}`")
            assert accepted == option.accepted(), option.name
            assert default == option.default_text(), option.name
            assert option.help.split(" (")[0].split(";")[0] in meaning, option.name
