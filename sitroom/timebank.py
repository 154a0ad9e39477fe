"""Score the time tagger on ISO-TimeML (.tml) files, TempEval-3 style.

For each file the TEXT is tagged with its creation time (the DCT TIMEX3) as document
date and compared with the gold TIMEX3 tags: strict extraction (same span), relaxed
extraction (overlapping spans), and value / type F1 = attribute-correct relaxed matches
over the system and gold counts.

TimeBank annotates a few things differently from sitroom's gold format; a small,
explicit mapping (`to_timebank`) bridges them:
- spans leave out leading prepositions ("depuis", "en" …);
- PRESENT_REF / PAST_REF / FUTURE_REF are typed TIME;
- ages ("un homme de 37 ans", "Paul, 54 ans") are not annotated;
- a date with its clock time ("samedi 4 janvier, à 18 h 30") is two TIMEX3: the day
  (DATE) and the clock time (TIME).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import times
from .extract import make_doc
from .pipeline import pipeline

REF_VALUES = ("PRESENT_REF", "PAST_REF", "FUTURE_REF")


@dataclass(frozen=True)
class Patterns:
    """The language's TimeBank conventions, built once from its times lexicon."""
    age: re.Pattern             # '37 ans'
    age_before: re.Pattern      # what precedes an age: 'de', ',', '('
    clock_tail: re.Pattern      # a clock time ending an expression, with its introducer
    head_fillers: frozenset     # words of a text before a clock time that name no day
    span_preps: list            # span prepositions as word lists, longest first


def alternation(phrases) -> str:
    return "|".join(re.escape(p) for p in phrases)


@lru_cache(maxsize=None)
def patterns(lang: str) -> Patterns:
    lex = times.lexicon(lang)
    d = lex.d
    openers = [*d["clock_introducers"],
               *(p for p, mod in d["approx_prefixes"].items() if mod in ("AFTER", "BEFORE"))]
    return Patterns(
        age=re.compile(rf"^\d{{1,3}} (?:{alternation(d['age_units'])})$"),
        age_before=re.compile(rf"(?:\b(?:{alternation(d['age_openers'])})|,|\()\s*$"),
        clock_tail=re.compile(rf"[\s,]*(?:(?:{alternation(openers)})\s+)?"
                              rf"(?:\d{{1,2}}\s*(?:{alternation(d['hour_abbreviations'])})(?:\s*\d{{2}})?"
                              rf"|{alternation(d['clock_words'])})\s*$", re.I),
        head_fillers=lex.span_preps | set(d["preposition_parts"]),
        span_preps=sorted((times.split_words(p) for p in d["span_prepositions"]), key=len, reverse=True))


@dataclass
class Timex:
    start: int
    end: int
    text: str
    value: str
    type: str


def read_tml(path: Path) -> tuple[str, str | None, list[Timex]]:
    """(text, dct, gold timexes with offsets into text)."""
    root = ET.parse(path).getroot()
    dct = None
    node = root.find("DCT")
    if node is not None:
        t = node.find("TIMEX3")
        if t is not None:
            dct = t.get("value")
    body = root.find("TEXT")
    parts: list[str] = []
    gold: list[Timex] = []

    def walk(el):
        if el.text:
            parts.append(el.text)
        for child in el:
            if child.tag == "TIMEX3":
                start = sum(map(len, parts))
                inner = "".join(child.itertext())
                parts.append(inner)
                gold.append(Timex(start, start + len(inner), inner, child.get("value", ""),
                                  child.get("type", "")))
            else:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    if body is not None:
        walk(body)
    return "".join(parts), dct, gold


def to_timebank(t, text: str, lex) -> list[Timex]:
    """A sitroom Time in TimeBank's conventions (none, one or two TIMEX3)."""
    pat = patterns(lex.lang)
    if t.type == "DURATION" and pat.age.match(t.text) and pat.age_before.search(text[max(0, t.start - 12):t.start]):
        return []
    if t.type == "TIME" and re.search(r"T\d\d:\d\d", t.value):
        m = pat.clock_tail.search(t.text)
        if m and m.start() > 0:
            head = t.text[:m.start()].rstrip(" ,")
            rest = [w for w in times.split_words(head) if w not in pat.head_fillers]
            if rest:
                day = t.model_copy(update={"text": head, "end": t.start + len(head),
                                           "value": t.value[:10], "type": "DATE"})
                clock_text = t.text[m.start():].lstrip(" ,")
                clock_start = t.end - len(clock_text)
                clock = t.model_copy(update={"text": clock_text, "start": clock_start})
                return to_timebank(day, text, lex) + to_timebank(clock, text, lex)
    start, end = t.start, t.end
    words = times.split_words(text[start:end])
    for p in pat.span_preps:
        if len(p) < len(words) and words[:len(p)] == p:
            rest = text[start:end]
            for w in p:
                m = re.match(r"\s*" + re.escape(w), rest.lower().replace("’", "'"))
                if not m:
                    break
                rest = rest[m.end():]
            start = end - len(rest.lstrip())
            break
    type_ = "TIME" if t.value in REF_VALUES else t.type
    return [Timex(start, end, text[start:end], t.value, type_)]


def tag(text: str, dct: str | None, lang: str = "fr"):
    """sitroom's times for one text, running only the spaCy components and the time tagger."""
    nlp = pipeline(lang)
    native = [name for name in nlp.pipe_names if not name.startswith("sitroom_")]
    with nlp.select_pipes(enable=native):
        doc = nlp(make_doc(text, dct, lang=lang))
    return times.find(doc, lang)


def align(system: list[Timex], gold: list[Timex]) -> list[tuple[Timex, Timex]]:
    """One-to-one relaxed matches (overlap), exact spans first."""
    pairs, used = [], set()
    for strict in (True, False):
        for s in system:
            if any(s is p[0] for p in pairs):
                continue
            for k, g in enumerate(gold):
                if k in used:
                    continue
                if (s.start, s.end) == (g.start, g.end) if strict else (s.start < g.end and g.start < s.end):
                    pairs.append((s, g))
                    used.add(k)
                    break
    return pairs


def f1(correct: int, n_sys: int, n_gold: int) -> dict:
    p = correct / n_sys if n_sys else 0.0
    r = correct / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score_timeml(folder, lang: str = "fr", details: bool = False) -> dict:
    """TempEval-3 scores of the time tagger over the folder's .tml files."""
    lex = times.lexicon(lang)
    n_sys = n_gold = strict = relaxed = value = type_ = 0
    errors = []
    files = sorted(Path(folder).glob("*.tml"))
    for path in files:
        text, dct, gold = read_tml(path)
        system = [x for t in tag(text, dct, lang) for x in to_timebank(t, text, lex)]
        pairs = align(system, gold)
        n_sys += len(system)
        n_gold += len(gold)
        relaxed += len(pairs)
        strict += sum((s.start, s.end) == (g.start, g.end) for s, g in pairs)
        value += sum(s.value == g.value for s, g in pairs)
        type_ += sum(s.type == g.type for s, g in pairs)
        if details:
            matched_s = {id(s) for s, _ in pairs}
            matched_g = {id(g) for _, g in pairs}
            errors += [(path.name, "wrong", s.text, s.value, s.type, g.text, g.value, g.type)
                       for s, g in pairs if s.value != g.value or s.type != g.type]
            errors += [(path.name, "fp", s.text, s.value, s.type) for s in system if id(s) not in matched_s]
            errors += [(path.name, "miss", g.text, g.value, g.type) for g in gold if id(g) not in matched_g]
    scores = {"files": len(files), "system": n_sys, "gold": n_gold,
              "strict": f1(strict, n_sys, n_gold), "relaxed": f1(relaxed, n_sys, n_gold),
              "value": f1(value, n_sys, n_gold), "type": f1(type_, n_sys, n_gold)}
    if details:
        scores["errors"] = errors
    return scores


def format_scores(scores: dict) -> str:
    lines = [f"TimeML: {scores['files']} files, {scores['gold']} gold TIMEX3, {scores['system']} tagged",
             f"{'':10} {'P':>6} {'R':>6} {'F1':>6}"]
    for key in ("strict", "relaxed", "value", "type"):
        s = scores[key]
        lines.append(f"{key:10} {s['p']:6.3f} {s['r']:6.3f} {s['f1']:6.3f}")
    return "\n".join(lines)
