"""Score extraction against gold, as ../shared/spec/gold-format.md defines it.

Per field, precision, recall and F1 micro-averaged over the file:
times on value+type; places once per distinct place, on name or 25 km; figures on
low/high+action (strict) and low/high (loose); quotes on the opening offset (±3)
and, for the speaker score, on the normalised speaker; events on type + date +
place. Every miss and false positive is listed.
"""
from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .gazetteer import km as distance
from .situation.reconcile import interval

FIELDS = ("times", "places", "figures", "figures_loose", "quotes", "quotes_speaker", "events",
          "event_agents", "event_targets")


@dataclass
class Tally:
    tp: int = 0
    n_sys: int = 0
    n_gold: int = 0

    def add(self, other: "Tally") -> None:
        self.tp += other.tp
        self.n_sys += other.n_sys
        self.n_gold += other.n_gold

    @property
    def p(self) -> float:
        return self.tp / self.n_sys if self.n_sys else (1.0 if not self.n_gold else 0.0)

    @property
    def r(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 1.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


@dataclass
class Score:
    """Tallies per field, for one report or a whole file, with the errors behind them."""
    tallies: dict[str, Tally] = field(default_factory=lambda: {f: Tally() for f in FIELDS})
    errors: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for name, tally in other.tallies.items():
            self.tallies[name].add(tally)
        self.errors.extend(other.errors)


def norm(text: str | None) -> str:
    """Casefold, strip accents, unify apostrophes and spacing, drop a leading article."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("’", "'").replace("‘", "'").replace("-", " ")
    text = " ".join(text.split())
    for article in ("le ", "la ", "les ", "l'", "un ", "une ", "the "):
        if text.startswith(article):
            return text[len(article):].strip()
    return text


def km(a: dict, b: dict) -> float:
    """Distance between two records with lat/lon (infinite when either has none)."""
    try:
        return distance((float(a["lat"]), float(a["lon"])), (float(b["lat"]), float(b["lon"])))
    except (KeyError, TypeError, ValueError):
        return math.inf


def greedy(gold: list, sys: list, *tests: Callable[[dict, dict], bool | float | None]) -> tuple[list, list, list]:
    """Pair gold and system items, one to one, trying the tests in order of strength.

    A test returns True/False, or a distance (None: no match). A yes/no pass pairs each
    still-unpaired gold item with the first unpaired system item that passes; a distance
    pass pairs the closest couples first. So a weak match never takes a system item that
    a strong one needed (for places: the same name first, then the nearest within 25 km).
    Returns (pairs, missed gold, spurious system)."""
    used: set[int] = set()
    paired: dict[int, tuple] = {}
    for test in tests:
        couples = []                 # (distance, gold, system) of a distance pass
        for gi, g in enumerate(gold):
            if gi in paired:
                continue
            for i, s in enumerate(sys):
                if i in used:
                    continue
                verdict = test(g, s)
                if verdict is True:
                    used.add(i)
                    paired[gi] = (g, s)
                    break
                if verdict is not False and verdict is not None:
                    couples.append((float(verdict), gi, i))
        for _, gi, i in sorted(couples):
            if gi not in paired and i not in used:
                used.add(i)
                paired[gi] = (gold[gi], sys[i])
    missed = [g for gi, g in enumerate(gold) if gi not in paired]
    return list(paired.values()), missed, [s for i, s in enumerate(sys) if i not in used]


def _tally(name: str, rid: str, gold: list, sys: list, same, show: Callable[[dict], str], score: Score):
    tests = same if isinstance(same, tuple) else (same,)
    pairs, missed, spurious = greedy(gold, sys, *tests)
    score.tallies[name] = Tally(len(pairs), len(sys), len(gold))
    score.errors += [f"{rid}\t{name}\tmiss\t{show(g)}" for g in missed]
    score.errors += [f"{rid}\t{name}\tfalse+\t{show(s)}" for s in spurious]
    return pairs


def _distinct_places(places: Iterable[dict]) -> list[dict]:
    seen, out = set(), []
    for p in places:
        key = norm(p.get("name")) or ("?" + norm(p.get("text")))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _same_name(g: dict, s: dict) -> bool:
    return bool(g.get("name")) and norm(g.get("name")) == norm(s.get("name"))


def _near(g: dict, s: dict) -> float | None:
    d = km(g, s)
    return d if d <= 25.0 else None


def _date_ok(gold: str | None, sys: str | None) -> bool:
    """Same day, or one date is a period containing the other (weeks included);
    unchecked where gold has none."""
    if not gold:
        return True
    if not sys:
        return False
    if sys.startswith(gold) or gold.startswith(sys):
        return True
    g, s = interval(gold), interval(sys)
    return bool(g and s) and (g[0] <= s[0] and s[1] <= g[1] or s[0] <= g[0] and g[1] <= s[1])


def _same_event(g: dict, s: dict) -> bool:
    if g.get("type") != s.get("type") or not _date_ok(g.get("date"), s.get("date")):
        return False
    if g.get("place"):
        return norm(g["place"]) == norm(s.get("place"))
    return (g.get("country") or "") == (s.get("country") or "")


def score_report(gold: dict, sys: dict) -> Score:
    """Score one system record against its gold record."""
    rid, score = gold.get("id", "?"), Score()
    g_, s_ = (lambda k: gold.get(k) or []), (lambda k: sys.get(k) or [])
    _tally("times", rid, g_("times"), s_("times"),
           lambda g, s: g.get("value") == s.get("value") and g.get("type") == s.get("type"),
           lambda t: f"{t.get('text')!r} {t.get('value')} {t.get('type')}", score)
    _tally("places", rid, _distinct_places(g_("places")), _distinct_places(s_("places")), (_same_name, _near),
           lambda p: f"{p.get('text')!r} → {p.get('name')} ({p.get('country')})", score)

    def bounds(g, s):
        return (float(g.get("low", -1)), float(g.get("high", -1))) == (float(s.get("low", -2)), float(s.get("high", -2)))
    show_fig = lambda f: f"{f.get('text')!r} {f.get('low')}-{f.get('high')} {f.get('action')} {f.get('group')}"
    _tally("figures", rid, g_("figures"), s_("figures"),
           lambda g, s: bounds(g, s) and g.get("action") == s.get("action"), show_fig, score)
    _tally("figures_loose", rid, g_("figures"), s_("figures"), bounds, show_fig, score)

    near = lambda g, s: abs(int(g.get("start", -99)) - int(s.get("start", 99))) <= 3
    show_q = lambda q: f"@{q.get('start')} speaker={q.get('speaker')!r}"
    _tally("quotes", rid, g_("quotes"), s_("quotes"), near, show_q, score)
    _tally("quotes_speaker", rid, g_("quotes"), s_("quotes"),
           lambda g, s: near(g, s) and same_speaker(g.get("speaker"), s.get("speaker")), show_q, score)
    pairs = _tally("events", rid, g_("events"), s_("events"), _same_event,
                   lambda e: f"{e.get('type')} {e.get('date')} {e.get('place')} ({e.get('country')}) {e.get('status')}"
                             + (f" ← {e.get('trigger')!r}" if e.get("trigger") else ""), score)
    for role in ("agent", "target"):
        _actors(f"event_{role}s", role, rid, pairs, score)
    return score


def _actor_of(value) -> dict | None:
    """An event's actor as a dict (older records give a bare name)."""
    if not value:
        return None
    return value if isinstance(value, dict) else {"name": str(value)}


def same_actor(g: dict, s: dict) -> bool:
    """Names sharing most of their words, or the same type and country, both set."""
    if _most_words(g.get("name"), s.get("name")):
        return True
    return bool(g.get("type") and g.get("country")) and (g.get("type"), g.get("country")) == (s.get("type"), s.get("country"))


_FUNCTION_WORDS = frozenset({"de", "du", "des", "d", "l", "la", "le", "les", "et", "of", "the"})


def same_speaker(gold: str | None, got: str | None) -> bool:
    """Speakers match on the normalised name sharing most of its words, as actors do."""
    return norm(gold) == norm(got) or _most_words(gold, got)


def _most_words(a: str | None, b: str | None) -> bool:
    """Most words of the shorter name are in the longer one ("armée" ~ "armée syrienne")."""
    words = lambda x: set(norm(x).replace("'", " ").replace("(", " ").replace(")", " ").split()) - _FUNCTION_WORDS
    wa, wb = words(a), words(b)
    return bool(wa and wb) and 2 * len(wa & wb) > min(len(wa), len(wb))


def _actors(name: str, role: str, rid: str, pairs: list, score: Score) -> None:
    """Over matched events whose gold gives this role: is the system's actor the same?"""
    tally = Tally()
    for g, s in pairs:
        gold, got = _actor_of(g.get(role)), _actor_of(s.get(role))
        if gold is None:
            continue
        tally.n_gold += 1
        tally.n_sys += got is not None
        if got is not None and same_actor(gold, got):
            tally.tp += 1
        else:
            shown = lambda a: f"{a.get('name')!r} {a.get('type')} {a.get('country')}" if a else "none"
            score.errors.append(f"{rid}\t{name}\twrong\t{g.get('type')} {g.get('date')}: gold {shown(gold)} · system {shown(got)}")
    score.tallies[name] = tally


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def text_path(rid: str, folders: list[Path]) -> Path:
    """Where report `rid`'s text is: DIR/ID.txt in the first folder that has it."""
    for folder in folders:
        if (folder / f"{rid}.txt").exists():
            return folder / f"{rid}.txt"
    raise FileNotFoundError(f"no text for gold report {rid!r} in {', '.join(map(str, folders))}")


def with_text(gold: dict, text: str) -> dict:
    """Gold kept as offsets (the article stays outside the project): give each span its words."""
    for field in ("times", "places", "figures"):
        for item in gold.get(field) or []:
            if "text" not in item and "start" in item:
                item["text"] = text[item["start"]:item["end"]]
    return gold


def run(gold_path: Path, texts: Path | list[Path], lang: str = "fr") -> tuple[Score, dict[str, Score]]:
    """Extract every gold report's text (DIR/ID.txt in one of the folders) and score it;
    (total, per report)."""
    from .extract import extract_many
    golds = read_jsonl(gold_path)
    folders = texts if isinstance(texts, list) else [texts]
    items = []
    for g in golds:
        text = text_path(g["id"], folders).read_text(encoding="utf-8")
        with_text(g, text)
        date = None if g.get("published_in_text") else g.get("published")
        items.append((g["id"], text, date))
    total, per_report = Score(), {}
    for g, record in zip(golds, extract_many(items, lang=lang)):
        per_report[g["id"]] = score_report(g, record.model_dump())
        total.add(per_report[g["id"]])
    return total, per_report


def format_table(total: Score, per_report: dict[str, Score], errors: bool = True) -> str:
    """Per-report F1 table, the errors, and the totals (last, for `tail`)."""
    cols = FIELDS
    lines = ["report".ljust(28) + "".join(c[:14].rjust(15) for c in cols)]
    for rid, s in per_report.items():
        lines.append(rid[:27].ljust(28) + "".join(f"{s.tallies[c].f1:15.3f}" for c in cols))
    if errors:
        lines += ["", "errors (report, field, kind, item):"] + total.errors
    lines += ["", "field".ljust(16) + "P".rjust(8) + "R".rjust(8) + "F1".rjust(8) + "tp".rjust(6)
              + "sys".rjust(6) + "gold".rjust(6)]
    for c in cols:
        t = total.tallies[c]
        lines.append(c.ljust(16) + f"{t.p:8.3f}{t.r:8.3f}{t.f1:8.3f}{t.tp:6d}{t.n_sys:6d}{t.n_gold:6d}")
    return "\n".join(lines)
