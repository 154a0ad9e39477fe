"""Numbers written in digits or words: "15.000", "1 200", "2,6 millions", "deux mille", "une vingtaine".

Pure functions over word lists, no spaCy. Language knowledge (collective nouns, multipliers,
number words) comes from sitroom/lang/<lang>/numbers.json; number words go through text2num.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple, Sequence

from text_to_num import text2num

from .lang import resource

DIGITS = re.compile(r"^\+?\d+(?:[.,\u00a0\u202f ]\d+)*$")   # "+120 blessés" in a tweet
GROUP3 = re.compile(r"^\d{3}$")


class Number(NamedTuple):
    value: float
    approx: bool          # a collective noun ("une vingtaine") gave the value


@lru_cache(maxsize=None)
def _tables(lang: str) -> dict:
    data = resource(lang, "numbers")
    return {
        "approx": data["approx_nouns"],
        "multipliers": data["multipliers"],
        "words": frozenset(data["words"]),
        "articles": frozenset(_norm(a) for a in data["articles"]),
        "one": frozenset(data["one_words"]),
        "join": frozenset(data["join_words"]),
        "decimal": data["decimal_mark"],
        "groups": tuple(data["group_marks"]),
        "plural_endings": tuple(data["plural_endings"]),
    }


def _norm(word: str) -> str:
    return word.lower().replace("\u2019", "'")


def is_digits(word: str) -> bool:
    """True for a token written in digits, with separators ("15.000", "2,6", "+120")."""
    return bool(DIGITS.match(word))


def is_group_of_three(word: str) -> bool:
    """True for "000" in "15 000": a thousands group split off by the tokenizer."""
    return bool(GROUP3.match(word))


def digits_value(text: str, lang: str) -> float | None:
    """The value of digits with the language's marks: "15.000" 15000, "2,6" 2.6, "1 200" 1200."""
    t = _tables(lang)
    s = text.strip().lstrip("+")
    for mark in t["groups"]:
        parts = s.split(mark)
        if mark != t["decimal"] and len(parts) > 1 and all(GROUP3.match(p) for p in parts[1:]):
            s = "".join(parts)
    s = s.replace(t["decimal"], ".")
    try:
        return float(s)
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def approx_value(word: str, lang: str) -> int | None:
    """The value of a singular collective noun ("vingtaine" 20); None otherwise."""
    return _tables(lang)["approx"].get(_norm(word))


def is_vague(word: str, lang: str) -> bool:
    """True for a plural collective noun ("dizaines", "milliers"): a vague amount, not a figure."""
    w, t = _norm(word), _tables(lang)
    return any(w.endswith(e) and w[:len(w) - len(e)] in t["approx"] for e in t["plural_endings"])


@lru_cache(maxsize=8192)
def multiplier(word: str, lang: str) -> int | None:
    """The factor of "mille", "million(s)", "milliard(s)"; None otherwise."""
    return _tables(lang)["multipliers"].get(_norm(word))


@lru_cache(maxsize=8192)
def is_number_word(word: str, lang: str) -> bool:
    """True for a cardinal word ("seize", "vingt-quatre"), hyphenated compounds included."""
    words = _tables(lang)["words"]
    parts = _norm(word).split("-")
    return all(p in words for p in parts) and not is_join(word, lang)


@lru_cache(maxsize=8192)
def is_one(word: str, lang: str) -> bool:
    """True for the article that also counts one ("un", "une")."""
    return _norm(word) in _tables(lang)["one"]


@lru_cache(maxsize=8192)
def is_join(word: str, lang: str) -> bool:
    """True for the word joining number words ("et" in "vingt et un")."""
    return _norm(word) in _tables(lang)["join"]


@lru_cache(maxsize=8192)
def is_article(word: str, lang: str) -> bool:
    """True for the words meaning one before a collective noun ("une", "le", "d'un")."""
    return _norm(word) in _tables(lang)["articles"]


def words_value(words: Sequence[str], lang: str) -> float | None:
    """The value of cardinal words ("deux mille", "vingt et un"), through text2num."""
    try:
        return float(text2num(" ".join(_norm(w) for w in words), lang))
    except (ValueError, TypeError, KeyError, AssertionError):
        return None


def parse(words: Sequence[str], lang: str) -> Number | None:
    """The number that the whole word sequence writes, or None.

    Accepts digits with split thousands groups ("1", "200"), number words, an article plus
    a collective noun ("une", "vingtaine"; "le", "millier") and a trailing multiplier
    ("2,6", "millions"; "un", "million").
    """
    ws = [w for w in words if w]
    if not ws:
        return None
    factor = 1.0
    if len(ws) > 1 and multiplier(ws[-1], lang) and not is_vague(ws[-1], lang):
        factor = float(multiplier(ws[-1], lang))
        ws = ws[:-1]
    if len(ws) == 2 and is_article(ws[0], lang) and approx_value(ws[1], lang):
        return Number(approx_value(ws[1], lang) * factor, True)
    if len(ws) == 1 and approx_value(ws[0], lang):
        return Number(approx_value(ws[0], lang) * factor, True)
    if is_digits(ws[0]):
        if not all(is_group_of_three(w) for w in ws[1:]):
            return None
        value = digits_value(" ".join(ws), lang)
        return None if value is None else Number(value * factor, False)
    if is_number_word(ws[0], lang) and all(is_number_word(w, lang) or multiplier(w, lang) or is_join(w, lang)
                                           for w in ws[1:]):
        value = words_value(ws, lang)
        return None if value is None else Number(value * factor, False)
    return None
