"""render.sh's set-up: without the Debian packages and without root it prints the
exact apt command and stops with exit code 2, touching nothing."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fake(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def test_missing_packages_as_a_user_print_the_apt_command(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake(bin_dir, "dpkg-query", "exit 1")          # nothing is installed
    fake(bin_dir, "id", 'echo 1000')               # not root
    fake(bin_dir, "sudo", "exit 1")                # and no password-less sudo
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    result = subprocess.run(["bash", str(ROOT / "render.sh"), "list"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stdout == ""
    command = [line for line in result.stderr.splitlines() if "apt-get install" in line]
    assert command, result.stderr
    for package in ("libpango1.0-dev", "texlive-latex-base", "dvisvgm", "fonts-nanum"):
        assert package in command[0]
    assert command[0].strip().startswith("sudo apt-get update && sudo apt-get install -y")


def test_apt_packages_are_listed_once_in_readme():
    script = (ROOT / "render.sh").read_text()
    readme = (ROOT / "README.md").read_text()
    listed = script.split("APT_PACKAGES=(")[1].split(")")[0].split()
    for package in listed:
        assert f"`{package}`" in readme, package
