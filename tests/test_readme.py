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
