"""Language knowledge as data: one folder per language under sitroom/lang/.

Each folder holds JSON files (word lists, lexicons, patterns) and a meta.json naming
the spaCy model. Code asks for a resource by name; adding a language is adding a folder.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent


def available() -> list[str]:
    """Codes of the languages that have a folder here."""
    return sorted(p.name for p in HERE.iterdir() if (p / "meta.json").exists())


@lru_cache(maxsize=None)
def resource(lang: str, name: str):
    """The parsed content of sitroom/lang/<lang>/<name>.json."""
    path = HERE / lang / f"{name}.json"
    if not path.exists():
        raise LookupError(f"no resource {name!r} for language {lang!r} ({path})")
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def meta(lang: str) -> dict:
    """The language's meta.json: spaCy model name, display name."""
    return resource(lang, "meta")
