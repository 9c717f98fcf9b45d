"""The demo: the shipped config and sample data, with its data in a throwaway folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

from inbox_agent.config import HOME_ENV, Config, load_config
from inbox_agent.errors import ConfigError


def demo_root() -> Path:
    """Where config.toml and examples/ are: inside the wheel, or the source tree."""
    packaged = Path(__file__).parent / "_demo"
    if (packaged / "config.toml").is_file():
        return packaged
    return Path(__file__).resolve().parent.parent


def demo_config(folder: Path) -> Config:
    """Write a config.toml into `folder` for the sample data and load it."""
    root = demo_root()
    text = (root / "config.toml").read_text(encoding="utf-8")
    for name in ("replies", "archive"):
        pattern = rf'^path = "examples/{name}"$'
        target = (root / "examples" / name).as_posix()
        text, count = re.subn(pattern, f'path = "{target}"', text, flags=re.MULTILINE)
        if count != 1 or not Path(target).exists():
            raise ConfigError(f"the demo data examples/{name} is missing from {root}")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    saved = os.environ.pop(HOME_ENV, None)
    try:
        return load_config(path)
    finally:
        if saved is not None:
            os.environ[HOME_ENV] = saved
