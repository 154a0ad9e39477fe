"""The examples each language's data files carry beside their entries, run as tests.

A lexicon family lists `examples`: a sentence of our own and what sitroom must find in it.
Every language folder is covered, so a second language's examples run with no new test."""
import pytest

from sitroom import extract
from sitroom.lang import available, resource


def _examples(name: str):
    return [pytest.param(lang, ex, id=f"{lang}:{ex['text'][:40]}")
            for lang in available() for ex in resource(lang, name).get("examples", [])]


@pytest.mark.parametrize("lang,example", _examples("roles"))
def test_roles(lang, example):
    events = [e for e in extract(example["text"], date="2024-03-05", lang=lang).events
              if e.type == example["type"]]
    assert events, f"no {example['type']} event"
    for role in ("agent", "target"):
        if role in example:
            found = [getattr(e, role).name for e in events if getattr(e, role)]
            assert example[role] in found, (role, found)
