"""Times: tag temporal expressions and resolve them to TIMEX3 values.

A small grammar runs over each sentence's words (only sentences holding a word of the
time lexicon or a digit). Parsers recognise the pieces — prepositions and modifiers,
dates, weekdays, relative days, day parts, clock times, durations, sets, reference
phrases — and yield an unresolved `Spec`; `resolve` turns it into a value against the
document date, the tense of the governing verb and the last day named in the sentence.
All French words come from sitroom/lang/fr/times.json.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from datetime import date as Date, timedelta
from functools import lru_cache

from spacy.attrs import LOWER
from text_to_num import text2num

from .lang import resource
from .models import Time

NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
DIGITS = re.compile(r"^\d+(?:[,.]\d+)?$")
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


# ---------------------------------------------------------------- lexicon

class Lexicon:
    """The language's time words, with phrase tables keyed by word tuples."""

    def __init__(self, lang: str):
        data = resource(lang, "times")
        self.lang = lang
        self.d = data
        self.elisions = data["elisions"]
        self.months = data["months"]
        self.weekdays = data["weekdays"]
        self.parts = data["day_parts"]
        self.part_hours = data["part_hours"]
        self.units = data["units"]
        self.unit_scale = data["unit_scale"]
        self.approx_n = data["number_words_approx"]
        self.ordinals = data["ordinals"]
        self.reldays = data["relative_days"]
        self.relmarks = self.phrases(data["relative_markers"])
        self.seasons = data["seasons"]
        self.edges = data["start_words"]
        self.clock_words = data["clock_words"]
        self.refs = self.phrases(data["ref_phrases"])
        self.sets = self.phrases(data["set_words"])
        self.approx = self.phrases(data["approx_prefixes"])
        self.part_phrases = self.phrases(data["part_phrases"])
        self.edge_parts = data["edge_parts"]
        self.later = self.phrases(data["later"])
        self.zones = self.phrases({z: z for z in data["time_zones"]})
        self.holidays = self.phrases(data["holidays"])
        self.dur_nouns = self.phrases(data["duration_nouns"])
        self.same_day = self.phrases(data["same_day_phrases"])
        self.preps = self.phrases({p: p for p in data["prepositions"]})
        self.span_preps = set(data["span_prepositions"])
        self.vague = self.phrases({v: "X" for v in data["vague_quantity"]})
        self.vague_ok = set(data["vague_before_unit_ok"])
        self.set_quant = self.phrases({q: q for q in data["set_quantifiers"]})
        self.ago = self.phrases({a: a for a in data["ago"]})
        self.lists = {key: frozenset(v) for key, v in data.items() if isinstance(v, list)}   # every word list
        self.night_like = set(data["night_like"])
        self.number_words = set(data["number_words"])
        self.this_unit = data["this_unit"]
        self.determiners = frozenset(data["determiners"])
        self.singular_dets = frozenset(data["singular_determiners"])
        self.of = frozenset(data["of"])
        self.hyphen_prefixes = frozenset(data["hyphen_prefixes"])
        self.hyphen_words = frozenset(data["hyphen_prefix_words"])
        self.compounds = data["split_compounds"]
        self.hour_abbrevs = frozenset(data["hour_abbreviations"])
        self.hour_marks = self.hour_abbrevs | set(data["hour_nouns"])
        marks = "|".join(map(re.escape, [*data["hour_abbreviations"], ":"]))
        self.clock_re = re.compile(rf"^(\d{{1,2}})(?:{marks})(\d{{2}})?$", re.I)   # 9h30, 9h, 09:30
        self.clock_preps = word_sequences(data["clock_prepositions"])
        self.clock_intro = data["clock_introducers"]
        self.edge_words = frozenset(w for w in self.edges if not w.endswith("-"))
        self.part_openers = self.singular_dets | set(data["part_prepositions"]) | self.edge_words
        self.lead_preps = self.span_preps | set(data["leading_prepositions"])
        self.half = word_sequences(data["half_suffixes"])
        self.triggers = (set(self.months) | set(self.weekdays) | set(self.parts) | set(self.units)
                         | set(self.reldays) | set(self.seasons) | set(self.clock_words)
                         | {k[0] for table in (self.refs, self.sets, self.part_phrases, self.dur_nouns,
                                               self.same_day, self.holidays) for k in table}
                         | set(self.approx_n) | self.hyphen_prefixes)
        self.starters = (self.triggers | self.number_words | set(self.ordinals) | set(self.edges)
                         | set(data["determiners"]) | set(data["demonstratives"])
                         | set().union(*(t.first for t in (self.preps, self.approx, self.vague, self.set_quant,
                                                           self.ago, self.refs, self.sets, self.same_day,
                                                           self.dur_nouns, self.part_phrases))))

    def hyphen_prefix(self, norm: str) -> str | None:
        """The prefix to split off a hyphenated word ('mi' of 'mi-juillet'), if any."""
        head, dash, rest = norm.partition("-")
        if dash and rest and head in self.hyphen_prefixes and norm not in self.hyphen_words:
            return head
        return None

    def phrases(self, table: dict) -> "Phrases":
        """{'x y': v} -> {('x', 'y'): v}, splitting elided words; also each phrase with its elided forms."""
        out = Phrases()
        for key, value in table.items():
            words = split_words(key)
            out[tuple(words)] = value
            for full, elided in self.elisions.items():
                if full in words:
                    out[tuple(elided if w == full else w for w in words)] = value
        out.first = {key[0] for key in out}
        out.longest = max(map(len, out), default=0)
        return out


class Phrases(dict):
    """Word tuples -> value, with the set of first words and the longest length."""
    first: set = set()
    longest: int = 0


def word_sequences(phrases: list[str]) -> frozenset:
    """Phrases as tuples of space-separated words."""
    return frozenset(tuple(p.split()) for p in phrases)


def split_words(text: str) -> list[str]:
    """Words the way sentences are split: elisions detached, lower case."""
    text = text.lower().translate(APOSTROPHES)
    out = []
    for chunk in text.split():
        out.extend(p for p in re.split(r"(?<=')", chunk) if p)
    return out


@lru_cache(maxsize=None)
def lexicon(lang: str) -> Lexicon:
    return Lexicon(lang)


# ---------------------------------------------------------------- words

@dataclass
class Word:
    norm: str
    start: int
    end: int
    tok: object = None


def sentence_words(span, lex: Lexicon) -> list[Word]:
    """The span's tokens as normalised words; 'mi-juillet' becomes 'mi' + 'juillet', 'week - end' 'week-end'."""
    words = []
    compounds = lex.compounds
    for tok in span:
        norm = tok.text.lower().translate(APOSTROPHES)
        if tok.is_space:
            continue
        prefix = "-" in norm and lex.hyphen_prefix(norm)
        if prefix:
            n = len(prefix)
            words.append(Word(prefix, tok.idx, tok.idx + n, tok))
            words.append(Word(norm[n + 1:], tok.idx + n + 1, tok.idx + len(tok.text), tok))
        elif norm in compounds or (norm == "-" and words and words[-1].norm in compounds):
            if norm == "-":
                words[-1].end = tok.idx + 1
            else:
                words.append(Word(norm, tok.idx, tok.idx + len(tok.text), tok))
        elif words and compounds.get(words[-1].norm) == norm:
            words[-1] = Word(words[-1].norm + "-" + norm, words[-1].start, tok.idx + len(tok.text), words[-1].tok)
        elif len(norm) > 1 and norm.endswith(".") and norm[:-1].isalpha():
            words.append(Word(norm[:-1], tok.idx, tok.idx + len(tok.text) - 1, tok))   # "h." "janv."
        else:
            words.append(Word(norm, tok.idx, tok.idx + len(tok.text), tok))
    return words


# ---------------------------------------------------------------- specs

@dataclass
class Spec:
    """An unresolved temporal expression."""
    kind: str = "date"            # date | dur | ref | set
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    relday: int | None = None      # hier/-1, demain/+1, veille/-1 …
    rel: int = 0                   # dernier -1 / prochain +1
    unit_ref: tuple | None = None  # ("W", -1): la semaine dernière
    shift: tuple | None = None     # (-2, "M"): il y a deux mois
    part: str | None = None
    part_key: str | None = None
    hour: int | None = None
    minute: int | None = None
    season: str | None = None
    decade: str | None = None
    value: str | None = None       # ready values (durations, refs, sets)
    type: str | None = None
    mod: str | None = None
    same_day: bool = False
    today: bool = False
    anaphoric: bool = False        # counted from the narrated day (le lendemain, quatre jours après)

    @property
    def has_day(self) -> bool:
        return (self.day is not None or self.weekday is not None or self.relday is not None
                or self.same_day)


@dataclass
class Match:
    start: int                     # word index, prepositions included
    core: int                      # first word of the expression proper
    end: int                       # exclusive
    spec: Spec
    prep: str | None = None
    para: int = 0


# ---------------------------------------------------------------- grammar

class Parser:
    """Recursive-descent parsers over one sentence's words; each returns (end, value) or None."""

    def __init__(self, words: list[Word], lex: Lexicon):
        self.w = words
        self.n = len(words)
        self.lex = lex

    def at(self, i: int) -> str:
        return self.w[i].norm if 0 <= i < self.n else ""

    def phrase(self, i: int, table: dict):
        """Longest phrase of `table` starting at i: (end, value)."""
        if self.at(i) not in table.first:
            return None
        best = None
        key = ()
        for j in range(i, min(self.n, i + table.longest)):
            key += (self.w[j].norm,)
            if key in table:
                best = (j + 1, table[key])
        return best

    def after(self, i: int, phrases: frozenset) -> bool:
        """Whether one of `phrases` (word tuples, at most two words) ends just before word i."""
        return (self.at(i - 1),) in phrases or (self.at(i - 2), self.at(i - 1)) in phrases

    def det(self, i: int) -> int:
        """Skip one optional determiner."""
        return i + 1 if self.at(i) in self.lex.determiners else i

    # -- numbers
    def number(self, i: int):
        """(end, int|float) for digits or French number words."""
        tok = self.at(i)
        if DIGITS.match(tok):
            text = tok.replace(",", ".")
            if text.count(".") == 1 and len(text.split(".")[1]) == 3:   # 2.100 thousands
                return i + 1, int(text.replace(".", ""))
            return i + 1, (float(text) if "." in text else int(text))
        if tok in self.lex.ordinals:
            return i + 1, self.lex.ordinals[tok]
        if tok.split("-")[0] not in self.lex.number_words:
            return None
        for k in range(min(4, self.n - i), 0, -1):
            value = words_to_number(" ".join(self.w[j].norm for j in range(i, i + k)), self.lex.lang)
            if value is not None:
                return i + k, value
        return None

    def day_number(self, i: int):
        tok = self.at(i)
        if tok in self.lex.ordinals:
            return i + 1, 1
        if tok.isdigit() and 1 <= int(tok) <= 31 and len(tok) <= 2:
            return i + 1, int(tok)
        r = self.number(i)
        if r and isinstance(r[1], int) and 1 <= r[1] <= 31 and not self.at(i).isdigit():
            return r
        return None

    def year(self, i: int, loose: bool = False):
        tok = self.at(i)
        if tok.isdigit():
            if len(tok) == 4 and 1000 <= int(tok) <= 2100:
                return i + 1, int(tok)
            if loose and len(tok) == 2:
                y = int(tok)
                return i + 1, (1900 + y if y > 30 else 2000 + y)
        return None

    # -- clock
    def clock(self, i: int):
        """'9h30', '21 h 45', '18 heures', 'midi', 'minuit' -> (end, (h, m))."""
        tok = self.at(i)
        m = self.lex.clock_re.match(tok)
        if m and int(m.group(1)) <= 24 and (m.group(2) is None or int(m.group(2)) < 60):
            if m.group(2) is None and self.at(i + 1).isdigit() and len(self.at(i + 1)) == 2:
                return i + 2, (int(m.group(1)), int(self.at(i + 1)))
            return i + 1, (int(m.group(1)), int(m.group(2) or 0))
        if tok in self.lex.clock_words:
            h, mi = self.lex.clock_words[tok]
            return i + 1, (h, mi)
        if not tok.isdigit() and tok in self.lex.number_words and self.clock_context(i):
            r = self.number(i)                # à sept heures
            if r and isinstance(r[1], int) and r[1] <= 24 and self.at(r[0]) in self.lex.hour_marks:
                return r[0] + 1, (r[1], 0)
        if tok.isdigit() and int(tok) <= 24 and self.at(i + 1) in self.lex.hour_marks:
            if self.at(i + 1) not in self.lex.hour_abbrevs and not self.clock_context(i):
                return None
            end, minute = i + 2, 0
            if self.at(end).isdigit() and len(self.at(end)) == 2 and int(self.at(end)) < 60:
                end, minute = end + 1, int(self.at(end))
            return end, (int(tok), minute)
        return None

    def clock_context(self, i: int) -> bool:
        return self.after(i, self.lex.clock_preps)

    def zone(self, j: int) -> int:
        """After a clock time, its time zone ('UTC', ', heure locale'), if any: the index after it."""
        k = j + 1 if self.at(j) == "," else j
        r = self.phrase(k, self.lex.zones)
        return r[0] if r else j

    def clock_phrase(self, i: int):
        """[à|vers|peu après…] clock -> (end, (h, m), mod)."""
        mod = None
        j = i
        r = self.phrase(j, self.lex.approx)
        if r:
            j, mod = r
        elif self.at(j) in self.lex.clock_intro:
            mod = self.lex.clock_intro[self.at(j)]
            j += 1
        c = self.clock(j)
        if c:
            return c[0], c[1], mod
        return None

    # -- day parts
    def part(self, i: int):
        """[en|dans|au|à] [la] [début|fin|milieu de] part -> (end, part, mod, key)."""
        j = i
        if self.at(j) in self.lex.lists["part_prepositions"]:
            j += 1
        j = self.det(j)
        mod = None
        r = self.phrase(j, self.lex.part_phrases)
        if r:
            return r[0], r[1], None, " ".join(w.norm for w in self.w[j:r[0]])
        if self.at(j) in self.lex.edge_words and self.at(j + 1) in self.lex.lists["edge_links"]:
            mod = self.lex.edges[self.at(j)]
            j += 2
            j = self.det(j)
        r = self.phrase(j, self.lex.part_phrases)
        if r:
            key = " ".join(w.norm for w in self.w[j:r[0]])
            return r[0], r[1], mod, key
        tok = self.at(j)
        if tok in self.lex.parts and tok not in self.lex.lists["generic_day_words"] and not self.named(j):
            return j + 1, self.lex.parts[tok], mod, self.lex.parts[tok]
        return None

    def named(self, j: int) -> bool:
        """A capitalised word after a determiner is a name ('la Journée mondiale …')."""
        tok = self.w[j].tok
        return j > 0 and tok is not None and tok.text[:1].isupper() and self.at(j - 1) in self.lex.determiners

    def holiday(self, i: int):
        """Noël, la Saint-Valentin: a fixed day of the year."""
        r = self.phrase(i, self.lex.holidays)
        if not r:
            return None
        nxt = self.w[r[0]].tok if r[0] < self.n else None
        if nxt is not None and nxt.pos_ == "PROPN" and nxt.text[:1].isupper():
            return None                   # a first name: Noël Mamère
        month, day = r[1]
        return r[0], Spec(month=month, day=day)

    # -- dates
    def rel_marker(self, i: int):
        return self.phrase(i, self.lex.relmarks)

    def calendar_date(self, i: int):
        """[weekday] day [au day2] month [year] | numeric d/m/y -> (end, Spec)."""
        tok = self.at(i)
        m = NUMERIC_DATE.match(tok)
        if m:
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if 1 <= d <= 31 and 1 <= mo <= 12:
                y = y if y > 100 else (1900 + y if y > 30 else 2000 + y)
                spec = Spec(year=y, month=mo, day=d)
                return self.tail(i + 1, spec), spec
        j = i
        weekday = None
        if tok in self.lex.weekdays:
            weekday = self.lex.weekdays[tok]
            j += 1
        r = self.day_number(j)
        if not r:
            return None
        j, day = r
        second = self.day_number(j + 1) if self.at(j) in self.lex.lists["day_range_links"] else None
        if second and self.at(second[0]) in self.lex.months:     # du 19 au 23 juillet: two dates
            month = self.lex.months[self.at(second[0])]
            spec = Spec(month=month, day=day, weekday=weekday)
            y = self.year(second[0] + 1)
            if y:
                spec.year = y[1]
            return j, spec
        month = self.lex.months.get(self.at(j))
        if not month:
            return None
        if self.at(j) in self.lex.d["ambiguous_months"] and not self.at(j - 1)[:1].isdigit() \
                and self.at(j - 1) not in self.lex.ordinals and weekday is None:
            return None
        j += 1
        if self.at(j) == ".":
            j += 1 if self.at(j + 1).isdigit() else 0
        spec = Spec(month=month, day=day, weekday=weekday)
        j = self.with_year(j, spec, loose=self.at(j).isdigit() and self.at(j + 1) not in self.lex.units)
        return self.tail(j, spec), spec

    def month_phrase(self, i: int):
        """[mois de] month [year] [dernier|prochain] -> (end, Spec)."""
        j = i
        if self.at(j) in self.lex.lists["month_nouns"] and self.at(j + 1) in self.lex.of:
            j += 2
        month = self.lex.months.get(self.at(j))
        if not month or self.at(j) in self.lex.lists["month_abbreviations"]:
            return None
        if self.at(j) in self.lex.lists["standalone_ambiguous_months"] and j == i and not self.month_context(i):
            return None
        spec = Spec(month=month)
        return self.with_year(j + 1, spec, loose=self.at(j + 1).isdigit()), spec

    def with_year(self, j: int, spec: Spec, loose: bool = False) -> int:
        """After a date, a month or a season: its year (a bare number too when `loose`), or a
        relative marker ("dernier"), into spec; the index after what was read."""
        y = self.year(j) or (self.year(j, loose=True) if loose else None)
        if y:
            j, spec.year = y
        else:
            r = self.rel_marker(j)
            if r:
                j, spec.rel = r
        return j

    def month_context(self, i: int) -> bool:
        """An ambiguous month name is a month only after a context word or before a year."""
        return (self.at(i - 1) in self.lex.lists["month_context_words"]
                or bool(self.year(i + 1)) or bool(self.rel_marker(i + 1)))

    def weekday_phrase(self, i: int):
        """weekday [dernier|prochain] [part] [clock] -> (end, Spec)."""
        tok = self.at(i)
        if tok not in self.lex.weekdays:
            return None
        spec = Spec(weekday=self.lex.weekdays[tok])
        j = i + 1
        r = self.rel_marker(j)
        if r:
            j, spec.rel = r
        j = self.tail(j, spec)
        r = self.rel_marker(j)
        if r and not spec.rel:
            j, spec.rel = r
        return j, spec

    def tail(self, j: int, spec: Spec) -> int:
        """Optional day part and clock time after a day."""
        p = self.part(j)
        if p and self.at(j) not in self.lex.lists["no_tail_prepositions"]:
            if p[1] != "DAY" or self.at(j) not in self.lex.singular_dets:
                j, spec.part, pmod, spec.part_key = p
                spec.mod = spec.mod or pmod
        c = self.clock_phrase(j)
        if c and (self.at(j) in self.lex.clock_intro or self.phrase(j, self.lex.approx)
                  or self.lex.clock_re.match(self.at(j))):
            j, (spec.hour, spec.minute), cmod = c
            spec.mod = spec.mod or cmod
            j = self.zone(j)
        elif self.at(j) == "," and self.clock_phrase(j + 1) \
                and self.at(j + 1) in self.lex.lists["clock_introducers_after_comma"]:
            j, (spec.hour, spec.minute), _ = self.clock_phrase(j + 1)
        elif self.at(j) == "," and spec.part is None and spec.day is not None \
                and self.at(j + 1) in self.lex.lists["part_after_comma"]:
            p = self.part(j + 1)                                   # mardi 5 mai, au matin
            if p and p[1] != "DAY":
                j, spec.part, _, spec.part_key = p
        return j

    def relative_day(self, i: int):
        """hier, demain, aujourd'hui, la veille, le lendemain [+ part/clock]."""
        tok = self.at(i)
        if tok not in self.lex.reldays:
            return None
        spec = Spec(relday=self.lex.reldays[tok], today=(tok == self.lex.d["today"]),
                    anaphoric=tok in self.lex.d["anaphoric_days"])
        if tok in self.lex.d["anaphoric_days"] and self.at(i + 1) in self.lex.lists["anaphoric_links"] \
                and self.at(i + 2) not in self.lex.triggers and not self.day_number(i + 2):
            return i + 1, Spec(same_day=True)      # au lendemain de l'explosion: the narrated day
        j = self.tail(i + 1, spec)
        if self.at(j) in self.lex.weekdays:   # aujourd'hui vendredi
            j += 1
        return j, spec

    def demonstrative(self, i: int):
        """ce/cette + weekday | part | semaine/mois/année/week-end."""
        if self.at(i) not in self.lex.d["demonstratives"]:
            return None
        j = i + 1
        r = self.calendar_date(j) or self.weekday_phrase(j)
        if r:
            return r
        tok = self.at(j)
        if tok in self.lex.parts and self.lex.parts[tok] != "DAY":
            part = self.lex.parts[tok]
            if self.at(j + 1) in self.lex.lists["distal"]:          # cette nuit-là: the narrated day's
                return j + 2, Spec(same_day=True, part=part, part_key=part)
            spec = Spec(relday=0, part=part, part_key=part)
            return j + 1, spec
        if tok in self.lex.this_unit:
            return j + 1, Spec(unit_ref=(self.lex.this_unit[tok], 0))
        return None

    def unit_relative(self, i: int):
        """[la] semaine dernière, l'an prochain, le mois précédent, l'année 2001."""
        j = self.det(i)
        if j == i and self.at(i) not in self.lex.this_unit:
            return None
        tok = self.at(j)
        if tok not in self.lex.this_unit:
            return None
        unit = self.lex.this_unit[tok]
        r = self.rel_marker(j + 1)
        if r:
            return r[0], Spec(unit_ref=(unit, r[1]))
        if unit == "Y" and self.year(j + 1):
            return self.year(j + 1)[0], Spec(year=self.year(j + 1)[1])
        if tok in self.lex.lists["month_nouns"] and self.at(j + 1) in self.lex.of:
            return self.month_phrase(j)
        return None

    def edge(self, i: int):
        """début/fin/mi/milieu [de] (month | année | mois | semaine | year | season)."""
        tok = self.at(i)
        if tok not in self.lex.edges:
            return None
        mod = self.lex.edges[tok]
        j = i + 1
        if self.at(j) in self.lex.lists["edge_links"]:
            j += 1
        j = self.det(j)
        r = (self.month_phrase(j) or self.unit_relative(j) or self.demonstrative(j))
        if r:
            end, spec = r
            spec.mod = mod
            return end, spec
        if self.at(j) in self.lex.this_unit:
            unit = self.lex.this_unit[self.at(j)]
            end = j + 1
            if unit == "M" and self.at(end) in self.lex.of:
                r = self.month_phrase(j)
                if r:
                    r[1].mod = mod
                    return r
            if unit in ("Y", "M", "W"):
                return end, Spec(unit_ref=(unit, 0), mod=mod)
        y = self.year(j)
        if y:
            return y[0], Spec(year=y[1], mod=mod)
        if self.at(j) in self.lex.seasons:
            return j + 1, Spec(season=self.lex.seasons[self.at(j)], mod=mod)
        return None

    def night_of(self, i: int):
        """la nuit de samedi à dimanche | du 14 au 15 mars -> the first day's night."""
        p = self.part(i)
        if not p or p[1] != "NI":
            return None
        j = p[0]
        night_to = self.lex.lists["night_to"]
        if self.at(j) in self.lex.lists["night_from_weekday"] and self.at(j + 1) in self.lex.weekdays \
                and self.at(j + 2) in night_to:
            k = j + 3
            if self.at(k) in self.lex.weekdays:
                return k + 1, Spec(weekday=self.lex.weekdays[self.at(j + 1)], part="NI", part_key="NI",
                                   rel=-0)
        if self.at(j) in self.lex.lists["night_from_day"] and self.day_number(j + 1):
            k, d1 = self.day_number(j + 1)
            if self.at(k) in night_to and self.day_number(k + 1):
                k2, _ = self.day_number(k + 1)
                month = self.lex.months.get(self.at(k2))
                if month:
                    spec = Spec(day=d1, month=month, part="NI", part_key="NI")
                    end = k2 + 1
                    y = self.year(end)
                    if y:
                        end, spec.year = y
                    return end, spec
        return None

    def day_part(self, i: int):
        """[dans|en] la nuit / la soirée / l'après-midi / la journée (needs a determiner or preposition)."""
        if self.at(i) not in self.lex.part_openers:
            return None
        r = self.night_of(i) or None
        if r:
            return r
        p = self.part(i)
        if not p:
            return None
        end, part, mod, key = p
        either = self.lex.lists["coordinators"]
        if self.at(end) in either and self.at(self.det(end + 1)) in self.lex.parts \
                or self.at(i - 1) in either and (self.at(i - 2) in self.lex.parts
                                                      or self.at(i - 3) in self.lex.parts):
            return None                   # le jour ou la nuit: generic
        spec = Spec(part=part, part_key=key, mod=mod)
        if self.at(end) in self.lex.lists["night_from_day"]:      # dans la matinée du 29 mai
            d = self.calendar_date(end + 1)
            if d and d[1].part is None and d[1].hour is None:
                d[1].part, d[1].part_key, d[1].mod = part, key, mod
                return d
        if self.at(end) in self.lex.lists["intensifiers"]:
            end += 1
        return end, spec

    def season(self, i: int):
        j = self.det(i)
        if self.at(j) not in self.lex.seasons:
            return None
        if j == i and self.at(i - 1) not in self.lex.lists["season_context_words"]:
            return None
        spec = Spec(season=self.lex.seasons[self.at(j)])
        return self.with_year(j + 1, spec), spec

    def year_alone(self, i: int):
        y = self.year(i)
        if not y:
            return None
        prev, nxt = self.at(i - 1), self.at(i + 1)
        if prev in self.lex.lists["year_prefixes"] or self.at(i - 1) in self.lex.months:
            return y[0], Spec(year=y[1])
        if nxt in self.lex.lists["no_time_after"] or nxt in self.lex.units:
            return None
        if prev in self.lex.lists["year_blockers"] or (self.w[i - 1].tok is not None and i > 0
                                                      and self.w[i - 1].tok.pos_ == "PROPN"):
            return None                   # résolution 2334, Expo 2020
        w = self.w[i].tok
        if w is not None and w.dep_ == "nummod" and w.head.i > w.i:    # 2000 personnes
            return None
        return y[0], Spec(year=y[1])

    def short_year(self, i: int):
        """'en 97': a two-digit year after a year preposition."""
        tok = self.at(i)
        if self.at(i - 1) in self.lex.lists["year_prepositions"] and tok.isdigit() and len(tok) == 2 \
                and self.at(i + 1) not in self.lex.units and self.at(i + 1) not in self.lex.lists["no_time_after"] \
                and self.at(i + 1) != "%":
            return self.year(i, loose=True)[0], Spec(year=self.year(i, loose=True)[1])
        return None

    def decade(self, i: int):
        """les années 60 / 1990."""
        j = self.det(i)
        if self.at(j) not in self.lex.lists["decade_words"] or not self.at(j + 1).isdigit():
            return None
        tok = self.at(j + 1)
        if len(tok) == 2 and tok.endswith("0"):
            return j + 2, Spec(decade="19" + tok[0])
        if len(tok) == 4 and tok.endswith("0"):
            return j + 2, Spec(decade=tok[:3])
        return None

    # -- durations
    def quantity(self, i: int):
        """(end, n|'X', mod) for 'trois', '24', 'une dizaine de', 'quelques', 'plusieurs dizaines de'."""
        j = i
        approx = None
        r = self.phrase(j, self.lex.vague)
        if r and self.at(r[0]).rstrip(self.lex.d["plural_suffix"]) in self.lex.approx_n \
                and self.at(r[0] + 1) in self.lex.of:
            return r[0] + 2, "X", None
        if r:
            return r[0], "X", None
        if self.at(j) in self.lex.lists["indefinite_articles"] and self.at(j + 1) in self.lex.approx_n \
                and self.at(j + 2) in self.lex.of:
            return j + 3, self.lex.approx_n[self.at(j + 1)], "APPROX"
        r = self.number(j)
        if r:
            return r[0], r[1], approx
        return None

    def duration(self, i: int):
        """quantity unit | un demi-siècle -> (end, Spec)."""
        r = self.phrase(i, self.lex.dur_nouns)
        if r:
            return r[0], Spec(kind="dur", value=r[1], type="DURATION")
        q = self.quantity(i)
        if not q:
            return None
        j, n, mod = q
        r = self.phrase(j, self.lex.dur_nouns)
        if r and n == 1:
            return r[0], Spec(kind="dur", value=r[1], type="DURATION")
        unit = self.lex.units.get(self.at(j))
        if not unit or self.w[j].tok is not None and self.w[j].tok.pos_ == "ADJ":
            return None                   # une seconde réplique
        article = self.at(i) in self.lex.lists["vague_article"]
        if n == "X" and self.w[i].norm not in self.lex.vague_ok and not article:
            return None
        if n == "X" and article and self.at(i - 1) in self.lex.lists["vague_article_blockers"]:
            return None
        if unit == "D" and self.at(j) in self.lex.lists["vague_excluded_units"] and n == "X":
            return None
        end = j + 1
        if (self.at(end), self.at(end + 1)) in self.lex.half:
            end += 2
            if isinstance(n, int):
                n = n + 0.5
        return end, Spec(kind="dur", value=duration_value(n, unit, self.lex), type="DURATION", mod=mod)

    def recent(self, i: int):
        """ces [N] derniers jours | les dernières N heures -> the span up to now: a duration."""
        dets = self.lex.lists["recent_determiners"]
        if self.at(i) not in dets and self.at(i - 1) not in dets:
            return None
        j = i + 1 if self.at(i) in dets else i
        q = self.number(j)
        n = q[1] if q else "X"
        j = q[0] if q else j
        r = self.rel_marker(j)
        if not r or r[1] >= 0:
            return None
        j = r[0]
        if n == "X" and self.number(j):
            j, n = self.number(j)
        unit = self.lex.units.get(self.at(j))
        if not unit or unit == "WE" or not (n == "X" or isinstance(n, int)) or self.at(j + 1) in self.lex.lists["anaphoric_links"]:
            return None                   # les derniers jours de la guerre: not up to now
        return j + 1, Spec(kind="dur", value=duration_value(n, unit, self.lex), type="DURATION")

    def later(self, i: int):
        """quatre jours après | deux semaines plus tard: a day counted from the narrated day."""
        q = self.quantity(i)
        if not q:
            return None
        j, n, _ = q
        unit = self.lex.units.get(self.at(j))
        r = self.phrase(j + 1, self.lex.later) if unit == "D" else None
        if not r or not isinstance(n, int) or self.at(r[0]) in self.lex.determiners \
                or self.at(r[0]) in self.lex.lists["indefinite_articles"] \
                or self.at(r[0]) in self.lex.of or self.at(r[0]) in self.lex.lists["anaphoric_links"] \
                or self.at(r[0]) in self.lex.lists["subordinators"]:
            return None                   # quatre jours après le séisme: counted from the event
        return r[0], Spec(shift=(n * r[1], unit), anaphoric=True)

    def ago(self, i: int):
        """il y a + duration -> a past date; dans + duration -> a future date."""
        r = self.phrase(i, self.lex.ago)
        sign = -1
        if not r:
            if self.at(i) not in self.lex.lists["in_future"]:
                return None
            r, sign = (i + 1, self.at(i)), 1
        k = r[0]
        a = self.phrase(k, self.lex.approx) if sign < 0 else None
        k = a[0] if a else k                # il y a moins de deux mois
        q = self.quantity(k)
        if not q:
            return None
        j, n, _ = q
        unit = self.lex.units.get(self.at(j))
        if not unit:
            return None
        if n == "X":                        # il y a quelques minutes: that day; quelques jours: the past
            if sign > 0 or self.at(k) not in self.lex.vague_ok:
                return None
            return j + 1, (Spec(relday=0) if unit in ("S", "TM", "H") else
                           Spec(kind="ref", value="PAST_REF", type="DATE"))
        if not isinstance(n, int):
            return None
        return j + 1, Spec(shift=(sign * n, unit), mod=a[1] if a else None)

    def set_phrase(self, i: int):
        r = self.phrase(i, self.lex.sets)
        if r:
            tok = self.w[i].tok
            if r[0] == i + 1 and (tok is not None and tok.pos_ == "NOUN" or self.at(i - 1) in self.lex.determiners
                                  or self.at(i - 1) in self.lex.lists["anaphoric_links"]):
                return None               # le quotidien: a noun (daily life, a newspaper)
            return r[0], Spec(kind="set", value=r[1], type="SET")
        r = self.phrase(i, self.lex.set_quant)
        if not r:
            return None
        j = r[0]
        unit = self.lex.units.get(self.at(j))
        if unit and self.at(j) not in self.lex.this_unit:             # chaque heure
            return j + 1, Spec(kind="set", type="SET", value=duration_value(1, unit, self.lex))
        d = self.calendar_date(j)
        if d:
            spec = d[1]
            return d[0], Spec(kind="set", type="SET",
                              value=f"XXXX-{spec.month:02d}-{spec.day:02d}")
        if self.at(j) in self.lex.weekdays:
            return j + 1, Spec(kind="set", type="SET", value=f"XXXX-WXX-{self.lex.weekdays[self.at(j)] + 1}")
        return None

    # -- expression
    def core(self, i: int):
        """The longest core expression starting at word i."""
        best = None
        for parse in (self.ref_phrase, self.set_phrase, self.same_day_phrase, self.ago, self.recent, self.later, self.night_of,
                      self.relative_day, self.demonstrative, self.calendar_date, self.weekday_phrase,
                      self.unit_relative, self.edge, self.month_phrase, self.decade, self.season,
                      self.day_part, self.holiday, self.clock_expr, self.duration, self.year_alone, self.short_year):
            try:
                r = parse(i)
            except (IndexError, ValueError, TypeError, KeyError):
                r = None
            if r and (best is None or r[0] > best[0]):
                best = r
        return best

    def ref_phrase(self, i: int):
        r = self.phrase(i, self.lex.refs)
        if r:
            return r[0], Spec(kind="ref", value=r[1], type="DATE")
        return None

    def same_day_phrase(self, i: int):
        r = self.phrase(i, self.lex.same_day)
        if r:
            spec = Spec(same_day=True)
            if self.at(r[0] - 1) in self.lex.lists["intensifiers"] and self.at(r[0] - 2) in self.lex.parts:
                spec.part = self.lex.parts[self.at(r[0] - 2)]
                spec.part_key = spec.part
            return r[0], spec
        return None

    def clock_expr(self, i: int):
        c = self.clock(i)
        if not c:
            return None
        if self.at(i) in self.lex.clock_words and self.at(i - 1) not in self.lex.lists["clock_word_prepositions"] \
                and not self.phrase(i - 2, self.lex.approx) and not self.phrase(i - 1, self.lex.approx):
            return None
        end, (h, m) = c
        spec = Spec(hour=h, minute=m)
        end = self.zone(end)
        if self.at(end) in self.lex.lists["clock_part_links"] and self.at(end + 1) in self.lex.parts:
            end += 2
        k = end + 1 if self.at(end) == "," else end
        d = self.demonstrative(k) or (self.calendar_date(k + 1) if self.at(k) in self.lex.singular_dets else None)
        if d and d[1].hour is None and (d[1].relday == 0 or d[1].day is not None):
            d[1].hour, d[1].minute, d[1].part = h, m, None      # 7 h ce matin, 19 h le 31 mars
            return d
        if self.at(k) in self.lex.weekdays:                 # 4 h mardi
            spec.weekday = self.lex.weekdays[self.at(k)]
            end = k + 1
        elif self.at(k) in self.lex.reldays and self.at(k) not in self.lex.d["anaphoric_days"]:
            spec.relday = self.lex.reldays[self.at(k)]       # vers 15 h 30, hier
            end = k + 1
        return end, spec

    def match(self, i: int):
        """A Match at word i: [preposition] [modifier] core [tail], or None."""
        start = i
        prep = None
        j = i
        r = self.phrase(j, self.lex.preps)
        if r and self.at(r[0]) and r[1] in self.lex.lead_preps:
            prep, j = r[1], r[0]
        mod = part = None
        r = self.phrase(j, self.lex.approx)
        if r:
            j2, mod = r
            if self.core(j2):
                part = self.lex.edge_parts.get(" ".join(w.norm for w in self.w[j:j2]))
                j = j2
            else:
                mod = None
        if prep is None and mod is None:
            r = self.phrase(j, self.lex.preps)
            if r and r[1] in self.lex.span_preps:
                prep, j = r[1], r[0]
        core = self.core(j)
        if not core and self.at(j) in self.lex.singular_dets:
            core = self.core(j + 1)
            j += 1
        bare = self.core(start) if j > start else None
        if bare and (not core or bare[0] >= core[0]):
            return Match(start, start, bare[0], bare[1], None)
        if not core:
            return None
        end, spec = core
        if part and spec.has_day and spec.part is None and spec.hour is None:
            spec.part, spec.part_key = part, part         # tard dimanche: Sunday evening
        elif mod and spec.mod is None:
            spec.mod = mod
        return Match(start, j, end, spec, prep or (self.at(start) if start < j and self.at(start) in self.lex.span_preps else None))


@lru_cache(maxsize=4096)
def words_to_number(text: str, lang: str):
    if not text or text in lexicon(lang).lists["number_joiners"]:
        return None
    try:
        value = text2num(text, lang)
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return value if isinstance(value, int) else None


def duration_value(n, unit: str, lex: Lexicon) -> str:
    if unit in lex.unit_scale:
        base, factor = lex.unit_scale[unit]
        unit, n = base, (n * factor if n != "X" else "X")
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    if unit == "WE":
        unit, n = "D", (2 * n if n != "X" else "X")
    if unit in ("H", "TM", "S"):
        return f"PT{n}{'M' if unit == 'TM' else unit}"
    return f"P{n}{unit}"


# ---------------------------------------------------------------- tense

def governing_verb(tok, span=None, lex=None):
    """The verb above `tok` in the parse, else the nearest verb of its sentence.

    None when the time word hangs on a noun ('la venue d'Auxerre samedi'): the event
    noun carries its own time, not the verb's."""
    t = tok
    for _ in range(6):
        if t.pos_ in ("VERB", "AUX") or "Part" in t.morph.get("VerbForm"):
            return t
        if t.head is t:
            break
        if t.dep_ == "nmod" and t.head.pos_ in ("NOUN", "PROPN") and lex is not None \
                and t.head.lower_ not in lex.triggers and t.head.lower_ not in lex.months:
            return None
        t = t.head
    if span is None:
        return None
    verbs = [v for v in span if v.pos_ == "VERB"]
    return min(verbs, key=lambda v: abs(v.i - tok.i)) if verbs else None


def tense(tok, lex: Lexicon, span=None) -> str | None:
    """'past', 'future' or None for the verb that governs token `tok`."""
    if tok is None:
        return None
    t = governing_verb(tok, span, lex)
    if t is None:
        return None
    if "Sub" in t.morph.get("Mood") or any("Sub" in c.morph.get("Mood") for c in t.children
                                           if c.dep_.startswith("aux")):
        return "future"
    modals = lex.lists["modal_lemmas"]
    morph = t.morph
    verbform = morph.get("VerbForm")
    if "Inf" in verbform:
        head = t.head
        if head is not t and head.lemma_ in modals:
            ht = head.morph.get("Tense")
            return "future" if ("Pres" in ht or "Fut" in ht) else None
        return None
    auxes = [c for c in t.children if c.dep_.startswith("aux")]
    tense_aux = [c for c in auxes if c.dep_ == "aux:tense"]
    if tense_aux:
        at = tense_aux[0].morph.get("Tense")
        if "Fut" in at:
            return "future"
        if "Cnd" in tense_aux[0].morph.get("Mood"):
            return None
        return "past"
    if auxes:   # passive
        at = auxes[0].morph.get("Tense")
        if t.lemma_ in lex.lists["future_lemmas"] and "Pres" in at:
            return "future"
        if "Fut" in at:
            return "future"
        return "past" if ("Imp" in at or "Past" in at) else None
    tense_ = morph.get("Tense")
    if "Fut" in tense_:
        return "future"
    if "Part" in verbform:
        return None if t.lemma_ in lex.lists["future_lemmas"] else "past"
    if "Past" in tense_ or "Imp" in tense_:
        return None if t.lemma_ in modals else "past"
    if "Pres" in tense_ and t.lemma_ in modals:
        return "future"
    return None


# ---------------------------------------------------------------- resolution

@dataclass
class Context:
    dct: Date | None
    dct_clock: tuple | None = None
    anchor: Date | None = None       # last day named in the sentence
    tense: str | None = None
    prep: str | None = None
    modal: bool = False             # governed by devoir/pouvoir…
    present: bool = False           # governing verb in the simple present
    named_days: list = field(default_factory=list)   # calendar days the text named so far


def iso_week(day: Date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def add_months(day: Date, months: int) -> tuple[int, int]:
    total = day.year * 12 + day.month - 1 + months
    return total // 12, total % 12 + 1


def direction(spec: Spec, ctx: Context, lex: Lexicon) -> str | None:
    if spec.rel < 0 or ctx.prep in lex.d["past_prepositions"]:
        return "past"
    if spec.rel > 0:
        return "future"
    if ctx.prep in lex.d["future_prepositions"]:
        return None if ctx.tense == "past" else "future"
    return ctx.tense


def pick_year(month: int, day: int | None, ctx: Context, lex: Lexicon, spec: Spec) -> int:
    """The year that puts month/day nearest the document date, in the tense's direction."""
    dct = ctx.dct
    way = direction(spec, ctx, lex)
    cands = []
    for y in (dct.year - 1, dct.year, dct.year + 1):
        try:
            cands.append((y, Date(y, month, day or 1)))
        except ValueError:
            continue
    if not cands:                       # a day no month has ("31 février"): the month's year
        return pick_year(month, None, ctx, lex, spec)
    ref = dct if day else Date(dct.year, dct.month, 1)
    if way == "past":
        ok = [c for c in cands if c[1] <= ref]
        if ok:
            return ok[-1][0]
    if way == "future":
        ok = [c for c in cands if c[1] >= ref]
        if ok:
            return ok[0][0]
    return min(cands, key=lambda c: (abs((c[1] - ref).days), c[1] > ref))[0]


def weekday_year(year: int, spec: Spec, dct: Date) -> int | None:
    """The year next to `year` (itself first) in which day/month falls on the stated weekday,
    within a season of the document date (a text's wrong weekday moves no date by a year)."""
    for y in (year, year - 1, year + 1):
        try:
            day = Date(y, spec.month, spec.day)
        except ValueError:
            continue
        if day.weekday() == spec.weekday and (y == year or abs((day - dct).days) <= 92):
            return y
    return None


def weekday_date(weekday: int, ctx: Context, spec: Spec, lex: Lexicon) -> Date:
    dct = ctx.dct
    fwd = (weekday - dct.weekday()) % 7
    way = direction(spec, ctx, lex)
    if spec.rel < 0:
        return dct + timedelta(days=fwd - 7)
    if spec.rel > 0:
        return dct + timedelta(days=fwd or 7)
    if fwd == 0:
        return dct
    if way == "future":
        return dct + timedelta(days=fwd)
    if way == "past":
        return dct + timedelta(days=fwd - 7)
    return dct + timedelta(days=fwd if fwd <= 2 else fwd - 7)


def resolve(spec: Spec, ctx: Context, lex: Lexicon) -> tuple[str, str, bool]:
    """(value, type, anchored)."""
    if spec.kind in ("dur", "ref", "set"):
        return spec.value, spec.type, True
    dct = ctx.dct
    if spec.decade:
        return spec.decade + "X", "DATE", True
    if spec.season:
        year = spec.year or (dct.year + spec.rel if dct else None)
        return f"{year if year else 'XXXX'}-{spec.season}", "DATE", bool(year or not dct)
    # day-level
    day = None
    if spec.day is not None and spec.month:
        year = spec.year or (pick_year(spec.month, spec.day, ctx, lex, spec) if dct else None)
        if not spec.year and year and spec.weekday is not None:
            year = weekday_year(year, spec, dct) or year
        if year is None:
            return finish_value(f"XXXX-{spec.month:02d}-{spec.day:02d}", spec, None, False)
        try:
            day = Date(year, spec.month, spec.day)
        except ValueError:
            return f"{year}-{spec.month:02d}", "DATE", True
    elif spec.weekday is not None:
        if not dct:
            return finish_value(f"XXXX-WXX-{spec.weekday + 1}", spec, None, False)
        day = next((d for d in reversed(ctx.named_days) if d.weekday() == spec.weekday
                    and abs((d - dct).days) <= 7), None) if not spec.rel else None
        day = day or weekday_date(spec.weekday, ctx, spec, lex)
    elif spec.relday is not None:
        if spec.today and spec.part is None and spec.hour is None and ctx.tense is None \
                and not ctx.modal and ctx.present:
            return "PRESENT_REF", "DATE", True
        if not dct:
            return ("PRESENT_REF", "DATE", False) if spec.today else ("XXXX-XX-XX", "DATE", False)
        day = (ctx.anchor if spec.anaphoric and ctx.anchor else dct) + timedelta(days=spec.relday)
    elif spec.same_day:
        day = ctx.anchor or dct
        if day is None:
            return "XXXX-XX-XX", "DATE", False
    elif spec.shift:
        if not dct:
            return "PAST_REF" if spec.shift[0] < 0 else "FUTURE_REF", "DATE", False
        n, unit = spec.shift
        base = ctx.anchor if spec.anaphoric and ctx.anchor else dct
        if unit == "D":
            return (base + timedelta(days=n)).isoformat(), "DATE", True
        if unit == "W":
            return iso_week(base + timedelta(weeks=n)), "DATE", True
        if unit in ("M", "Q", "SEM"):
            y, m = add_months(base, n)
            return f"{y}-{m:02d}", "DATE", True
        if unit == "Y":
            return str(base.year + n), "DATE", True
        if unit == "DE":
            return str(base.year + 10 * n)[:3] + "X", "DATE", True
        return "PAST_REF" if n < 0 else "FUTURE_REF", "DATE", True
    elif spec.unit_ref:
        unit, off = spec.unit_ref
        if not dct:
            return ("PRESENT_REF" if off == 0 else "PAST_REF" if off < 0 else "FUTURE_REF"), "DATE", False
        if unit == "W":
            return iso_week(dct + timedelta(weeks=off)), "DATE", True
        if unit == "WE":
            return iso_week(dct + timedelta(weeks=off)) + "-WE", "DATE", True
        if unit == "M":
            y, m = add_months(dct, off)
            return f"{y}-{m:02d}", "DATE", True
        if unit == "Q":
            y, m = add_months(dct, 3 * off)
            return f"{y}-Q{(m - 1) // 3 + 1}", "DATE", True
        return str(dct.year + off), "DATE", True
    elif spec.month:
        if spec.year:
            return f"{spec.year}-{spec.month:02d}", "DATE", True
        if not dct:
            return f"XXXX-{spec.month:02d}", "DATE", False
        return f"{pick_year(spec.month, None, ctx, lex, spec)}-{spec.month:02d}", "DATE", True
    elif spec.year:
        return str(spec.year), "DATE", True
    elif spec.part or spec.hour is not None:
        day = ctx.anchor
        if day is None:
            if not dct:
                return finish_value("XXXX-XX-XX", spec, None, False)
            day = dct
            hour = spec.hour if spec.hour is not None else lex.part_hours.get(spec.part, 12)
            night = spec.part == "NI" or spec.part_key in lex.night_like
            if night and spec.hour is None and ctx.tense != "future":
                day = dct - timedelta(days=1)          # the night before the report
            elif ctx.tense == "past" and ctx.dct_clock and (hour, spec.minute or 0) > ctx.dct_clock:
                day = dct - timedelta(days=1)
    else:
        return "XXXX", "DATE", False
    return finish_value(day.isoformat(), spec, day, True)


def finish_value(base: str, spec: Spec, day, anchored: bool) -> tuple[str, str, bool]:
    if spec.hour is not None:
        return f"{base}T{spec.hour:02d}:{spec.minute or 0:02d}", "TIME", anchored
    if spec.part and spec.part != "DAY":
        return f"{base}T{spec.part}", "TIME", anchored
    return base, "DATE", anchored


# ---------------------------------------------------------------- document

def find(doc, lang: str) -> list[Time]:
    """Every temporal expression of the doc, resolved against doc._.date."""
    return list(tag(doc, lang))


SENTENCE_ENDS = frozenset(".!?…;")


def sentences(doc):
    """The doc's sentences, a sentence the parser ends with no final punctuation, within a
    line, joined to the next ('hier | soir, …')."""
    if not doc.has_annotation("SENT_START"):
        return [doc[:]]
    out = []
    for sent in doc.sents:
        if out:
            last = out[-1]
            words = [t for t in last if not t.is_space]
            if words and words[-1].text not in SENTENCE_ENDS and "\n" not in words[-1].whitespace_ \
                    and not last[-1].is_space:
                out[-1] = doc[last.start:sent.end]
                continue
        out.append(sent)
    return out


def cue(word: Word, lex: Lexicon) -> bool:
    """A word that every expression holds at least one of: a time word or a digit."""
    return word.norm in lex.triggers or word.norm[:1].isdigit()


WINDOW = 7    # an expression starts at most this many words before its first cue


def segments(doc):
    """(span, paragraph number): sentences, cut again at line breaks."""
    para = 0
    for sent in sentences(doc):
        start = sent.start
        for tok in sent:
            if tok.is_space and "\n" in tok.text:
                if tok.i > start:
                    yield doc[start:tok.i], para
                para += 1
                start = tok.i + 1
        if sent.end > start:
            yield doc[start:sent.end], para


def cue_tokens(doc, lex: Lexicon) -> list[int]:
    """Indexes of the tokens that may yield a cue word (a superset, read from spaCy's
    arrays): a segment without one has no expression, and its words are not built."""
    strings = doc.vocab.strings
    lowers = doc.to_array([LOWER]).tolist()

    def maybe(text: str) -> bool:
        norm = text.translate(APOSTROPHES)
        return norm in lex.triggers or norm[:1].isdigit() or "-" in norm or norm.endswith(".")

    hits = {h for h in set(lowers) if maybe(strings[h])}
    return [i for i, h in enumerate(lowers) if h in hits]


def parse_doc(doc, lex: Lexicon):
    """[(segment, words, Match)] for the whole doc, in text order."""
    out = []
    candidates = cue_tokens(doc, lex) if len(doc) else []
    for sent, para in segments(doc):
        k = bisect_left(candidates, sent.start)
        if k == len(candidates) or candidates[k] >= sent.end:
            continue
        words = sentence_words(sent, lex)
        cues = [k for k, w in enumerate(words) if cue(w, lex)]
        if not cues:
            continue
        parser = Parser(words, lex)
        i = 0
        c = 0
        while i < len(words):
            while c < len(cues) and cues[c] < i:
                c += 1
            if c == len(cues):
                break
            if cues[c] - i > WINDOW:
                i = cues[c] - WINDOW
            norm = words[i].norm
            m = parser.match(i) if norm.split("-")[0] in lex.starters or norm[:1].isdigit() else None
            if m and m.end > m.start:
                if keep(m, parser):
                    m.para = para
                    out.append((sent, words, m))
                i = m.end
            else:
                i += 1
    return out


def keep(m: Match, parser: Parser) -> bool:
    """Drop matches with no time content of their own."""
    spec, w = m.spec, parser.w
    if m.end < len(w) and w[m.end].norm == "-" and w[m.end].start == w[m.end - 1].end:
        return False                      # part of a name: "Mouvement du 5 juin-…"
    if spec.kind == "dur" and spec.value and spec.value.startswith("P") \
            and m.prep in parser.lex.lists["within_prepositions"] \
            and spec.value[1:-1] == "X":
        return False
    return True


def tag(doc, lang: str):
    lex = lexicon(lang)
    matches = parse_doc(doc, lex)
    dct, clock = document_date(doc, matches, lex)
    previous_sent = None
    anchor = year = None              # last day / year named in the sentence
    named = None                      # the last day named: the narrative's reference time
    named_days = []                   # calendar days named with day and month
    text = doc.text
    for sent, words, m in matches:
        if sent is not previous_sent:
            anchor = year = None
            previous_sent = sent
        head = words[m.core].tok if m.core < len(words) else None
        spec = m.spec
        if year and spec.month and not spec.year and not spec.rel:
            spec = replace(spec, year=year)
        ctx = Context(dct, clock, anchor, tense(head, lex, sent), m.prep,
                      modal=governed_by_modal(head, lex), present=present_tense(head),
                      named_days=named_days)
        if ctx.anchor is None and (spec.same_day or spec.anaphoric) or ctx.anchor is None \
                and named != dct and not timestamp(m, words) \
                and not (ctx.present and ctx.tense is None) and ctx.tense != "future" and not ctx.modal:
            ctx.anchor = named            # the narrated day: the last day the text named; the
                                          # present and the future speak from the report's day
        value, type_, anchored = resolve(spec, ctx, lex)
        if spec.has_day and type_ in ("DATE", "TIME") and value[:4].isdigit() and len(value) >= 10:
            try:
                anchor = Date.fromisoformat(value[:10])
                if foreground(head, lex):
                    named = anchor
                if spec.day is not None and spec.month:
                    named_days.append(anchor)
            except ValueError:
                pass
        if timestamp(m, words):
            named = dct               # a live-blog entry speaks from the report's day
        if spec.year and not spec.month and m.prep in lex.lists["year_prepositions"]:
            year = spec.year          # "en 97 (en janvier …)"
        start, end = words[m.start].start, words[m.end - 1].end
        yield Time(text=text[start:end], start=start, end=end, value=value, type=type_,
                   mod=spec.mod, anchored=anchored)


def foreground(tok, lex: Lexicon) -> bool:
    """Whether a time sets the narrative's reference time: it dates a clause of the story, not
    a noun ('le séisme de vendredi') or a relative or participial clause ('initiée la veille')."""
    if tok is None:
        return False
    if tok.dep_ == "nmod" and tok.head.pos_ == "NOUN" and tok.head.lower_ not in lex.triggers:
        return False
    t = tok
    while t.head.i != t.i:
        if t.dep_ in lex.lists["background_deps"]:
            return False
        t = t.head
    return True


def timestamp(m: Match, words: list[Word]) -> bool:
    """A clock time opening its line ('08h05 – …'): a live-blog timestamp, dated by the DCT."""
    return m.start == 0 and m.spec.hour is not None and not m.spec.has_day and words[0].norm[:1].isdigit()


def governed_by_modal(tok, lex: Lexicon) -> bool:
    if tok is None:
        return False
    t = tok.head
    for _ in range(3):
        if t.lemma_ in lex.lists["modal_lemmas"]:
            return True
        if t.head is t:
            break
        t = t.head
    return False


def present_tense(tok) -> bool:
    if tok is None:
        return False
    t = tok.head
    for _ in range(4):
        if t.pos_ in ("VERB", "AUX"):
            return "Pres" in t.morph.get("Tense") and not any(c.dep_ == "aux:tense" for c in t.children)
        if t.head is t:
            break
        t = t.head
    return False


# ---------------------------------------------------------------- document date

def document_date(doc, matches, lex: Lexicon):
    """(date, clock) used to resolve; sets doc._.date / date_source when the text gives them."""
    given = parse_iso(getattr(doc._, "date", None))
    top = dateline(doc, matches, lex)
    clock = None
    if top is not None:
        spec = top.spec
        full = Date(spec.year, spec.month, spec.day)
        if given is None or given == full:
            clock = (spec.hour, spec.minute or 0) if spec.hour is not None else None
        if given is None:
            doc._.date, doc._.date_source = full.isoformat(), "text"
            return full, clock
    if given is not None:
        return given, clock
    inferred = infer_date(matches, lex)
    if inferred:
        doc._.date, doc._.date_source = inferred.isoformat(), "inferred"
    return inferred, None


def parse_iso(value):
    if not value:
        return None
    try:
        return Date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def line_limit(text: str, lines: int) -> int:
    """The offset where the text's first `lines` non-empty lines end."""
    limit = seen = 0
    for line in text.split("\n"):
        limit += len(line) + 1
        seen += bool(line.strip())
        if seen >= lines:
            break
    return limit


def full_date(m: Match) -> bool:
    s = m.spec
    if not (s.kind == "date" and s.year and s.month and s.day):
        return False
    try:
        Date(s.year, s.month, s.day)
    except ValueError:
        return False
    return True


def dateline(doc, matches, lex: Lexicon):
    """The report's date: a full date (day, month, year) after a publication word ('Publié le')
    in the page's header lines, else the first full date in its first lines."""
    header = line_limit(doc.text, lex.d["publication_lines"])
    top = line_limit(doc.text, lex.d["dateline_lines"])
    first = None
    for _, words, m in matches:
        if words[m.start].start > header:
            break
        if not full_date(m):
            continue
        if any(w.norm in lex.lists["publication_words"] for w in words[max(0, m.core - 3):m.core]):
            return m
        if first is None and words[m.start].start <= top:
            first = m
    return first


def infer_date(matches, lex: Lexicon):
    """A weekday with day and month ('jeudi 15 décembre') fixes the year. The years the text
    tells as past or present ('depuis 2012') bound it from below: the first fitting year from
    the latest of them on; else the years it tells as future bound it from above."""
    past, future = stated_years(matches, lex)
    if not past and not future:
        return None
    centre, order = (max(past), range(0, 29)) if past else (min(future), range(0, -29, -1))
    for _, _, m in matches:
        s = m.spec
        if s.weekday is not None and s.day and s.month and not s.year:
            for delta in order:
                try:
                    day = Date(centre + delta, s.month, s.day)
                except ValueError:
                    continue
                if day.weekday() == s.weekday:
                    return day
    return None


def stated_years(matches, lex: Lexicon) -> tuple[list, list]:
    """The years the text names: (those told as past or present, those told as future)."""
    past, future = [], []
    for sent, words, m in matches:
        if not m.spec.year:
            continue
        head = words[m.core].tok
        ahead = m.prep in lex.d["future_prepositions"] or tense(head, lex, sent) == "future" \
            or governed_by_modal(head, lex)
        (future if ahead else past).append(m.spec.year)
    return past, future
