"""Language data: every lexicon loads, and a malformed one fails at load naming the file and the key."""
import json

import pytest

from sitroom.errors import LexiconError
from sitroom.lang import HERE, available, load, resource, schema


@pytest.mark.parametrize("lang", available())
@pytest.mark.parametrize("name", sorted(schema()))
def test_every_lexicon_fits_the_schema(lang, name):
    assert isinstance(resource(lang, name), dict)


def _broken(tmp_path, name, change):
    data = json.loads((HERE / "fr" / f"{name}.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_missing_key_names_file_and_key(tmp_path):
    def drop(data):
        del data["months"], data["weekdays"]
    path = _broken(tmp_path, "times", drop)
    with pytest.raises(LexiconError, match=r"\[SR101\].*times\.json.*'months'"):
        load(path, "times")


@pytest.mark.parametrize("key, value", [("months", ["janvier"]), ("weekdays", {"lundi": "1"}),
                                        ("dateline_lines", True)], ids=["list-for-dict", "str-item", "bool"])
def test_wrong_type_names_file_and_key(tmp_path, key, value):
    path = _broken(tmp_path, "times", lambda data: data.update({key: value}))
    with pytest.raises(LexiconError, match=rf"\[SR102\].*times\.json.*'{key}'"):
        load(path, "times")


def test_invalid_json_names_file(tmp_path):
    path = tmp_path / "numbers.json"
    path.write_text('{"words": [', encoding="utf-8")
    with pytest.raises(LexiconError, match=r"\[SR103\].*numbers\.json"):
        load(path, "numbers")


def test_unknown_language_is_a_lookup_error():
    with pytest.raises(LookupError, match=r"\[SR104\].*'xx'"):
        resource("xx", "times")
