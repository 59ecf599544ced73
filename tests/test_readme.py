"""README documents what the code accepts: every config key, preset and scene."""

import re
import tomllib
from pathlib import Path

from core import config
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


def config_rows(section: str) -> dict[str, list[str]]:
    """README's table of one config section: key -> [default, accepted, meaning]."""
    lines = README.split(f"**[{section}]**", 1)[1].split("\n\n", 2)[1].splitlines()[2:]
    rows = {}
    for line in lines:
        cells = [c.replace("\\|", "|").strip() for c in
                 re.split(r"(?<!\\)\|", line)[1:-1]]
        rows[cells[0].strip("`")] = cells[1:]
    return rows


def test_resolve_of_nothing_is_the_defaults_readme_documents():
    """README's default column, read as TOML, is what a config without the key gets."""
    resolved = config.resolve({})
    assert set(resolved) == set(SCHEMA)
    for section in SCHEMA:
        rows = config_rows(section)
        assert set(rows) == set(resolved[section]), f"README's [{section}] table has every key"
        for name, (default, _, _) in rows.items():
            documented = tomllib.loads(f"v = {default.strip('`')}")["v"]
            value = resolved[section][name]
            assert value == documented and type(value) is type(documented), f"{section}.{name}"


def test_readme_states_every_keys_choices_range_and_meaning():
    for section, keys in SCHEMA.items():
        rows = config_rows(section)
        for name, key in keys.items():
            _, accepted, meaning = rows[name]
            assert accepted == key.accepted_text(), f"{section}.{name}"
            assert meaning == key.doc, f"{section}.{name}"


def test_the_options_of_every_scene_match_the_render_library():
    """The common options' table: each choice list and default is the library's."""
    from scenes.pipeline import FORMATS, QUALITIES, Request
    from scenes.settings import LANGS, THEMES

    def choices(flag: str) -> list[str]:
        return table_row(f"`{flag} ")[0].strip("`").split(" ", 1)[1].split("|")

    assert choices("-q") == list(QUALITIES)
    assert table_row("`-q ")[2] == f"`{Request.quality}`"
    assert choices("--format") == list(FORMATS)
    assert choices("--theme") == [*THEMES, "FILE.toml"]
    assert table_row("`--theme ")[2] == f"`{Request.theme}`"
    assert choices("--lang") == list(LANGS)
    assert table_row("`--lang ")[2] == f"`{Request.lang}`"
