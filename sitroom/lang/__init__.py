"""Language knowledge as data: one folder per language under sitroom/lang/.

Each folder holds JSON files (word lists, lexicons, patterns) and a meta.json naming
the spaCy model. Code asks for a resource by name; adding a language is adding a folder.
Every file is checked at load against sitroom/lang/schema.json (its keys and their types).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from ..errors import Errors, LexiconError, ResourceMissing

HERE = Path(__file__).parent
TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "null": type(None),
         "list": list, "dict": dict}


def available() -> list[str]:
    """Codes of the languages that have a folder here."""
    return sorted(p.name for p in HERE.iterdir() if (p / "meta.json").exists())


@lru_cache(maxsize=None)
def resource(lang: str, name: str):
    """The parsed content of sitroom/lang/<lang>/<name>.json, checked against the schema.

    Raises:
        ResourceMissing: the language has no such file.
        LexiconError: the file is not JSON, or a key is missing or of the wrong type.
    """
    path = HERE / lang / f"{name}.json"
    if not path.exists():
        raise ResourceMissing(Errors.SR104.format(name=name, lang=lang, path=path,
                                                  available=", ".join(available())))
    return load(path, name)


def load(path: Path, name: str):
    """Parse one lexicon file and check it against the schema declared for `name`."""
    with path.open(encoding="utf-8") as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as e:
            raise LexiconError(Errors.SR103.format(path=path, cause=e)) from None
    check(data, schema().get(name, {}), path)
    return data


@lru_cache(maxsize=1)
def schema() -> dict:
    """Resource name → {key: type}, the types written "list[string]", "dict[string|null]" …"""
    with (HERE / "schema.json").open(encoding="utf-8") as f:
        return json.load(f)


def check(data, keys: dict[str, str], path: Path) -> None:
    """Raise LexiconError naming the file and the first key missing or of the wrong type."""
    if not isinstance(data, dict):
        raise LexiconError(Errors.SR102.format(path=path, key="(top level)", expected="an object",
                                               found=type(data).__name__))
    for key, expected in keys.items():
        if key not in data:
            raise LexiconError(Errors.SR101.format(path=path, key=key, expected=expected))
        found = _mismatch(data[key], expected)
        if found:
            raise LexiconError(Errors.SR102.format(path=path, key=key, expected=expected, found=found))


def _mismatch(value, expected: str) -> str | None:
    """What in `value` does not fit the type `expected` ("list[string]" …), or None if it fits."""
    outer, _, inner = expected.rstrip("]").partition("[")
    if not _is(value, outer):
        return type(value).__name__
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    allowed = inner.split("|") if inner else None
    for item in items:
        if allowed and not any(_is(item, t) for t in allowed):
            return f"an item of type {type(item).__name__}"
    return None


def _is(value, type_name: str) -> bool:
    if isinstance(value, bool) and type_name in ("integer", "number"):
        return False
    return isinstance(value, TYPES[type_name])


def meta(lang: str) -> dict:
    """The language's meta.json: spaCy model name, display name."""
    return resource(lang, "meta")
