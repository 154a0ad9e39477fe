"""Turn whatever a user hands over into report text, or say clearly why not.

Handles empty and binary files, non-UTF-8 encodings, HTML pages and reports in a
language sitroom cannot read. Each refusal is a `BadInput` with a one-line message.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .lang import available, meta

BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))   # longest first
LEGACY_ENCODINGS = ("cp1252",)   # tried first when a text is not UTF-8, kept if a known language reads well
MAX_CHARS = 200_000            # longer reports are cut here, with a warning (a long report is ~20k)
_HTML = re.compile(r"<\s*(html|body|p|div|head|!doctype)\b", re.I)
_WORD = re.compile(r"[^\W\d_]+", re.U)


class BadInput(ValueError):
    """A file or text sitroom cannot treat as a report; the message says why."""


@dataclass
class Report:
    text: str
    title: str | None = None
    date: str | None = None          # publication date found in HTML metadata
    lang: str | None = None
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str | None]:
    """Bytes → text; UTF-8 first, else the detected encoding (named in the warning)."""
    if not data.strip():
        raise BadInput("empty report")
    for bom, encoding in BOMS:           # UTF-16/32 carry NUL bytes: read them before the binary check
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), None
            except UnicodeDecodeError:
                raise BadInput(f"starts as {encoding} but is not valid {encoding}") from None
    if b"\x00" in data[:8192] or _control_share(data[:8192]) > 0.05:
        raise BadInput("binary file, not a text report")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    for encoding in LEGACY_ENCODINGS:    # short texts fool detection ("à" read as cp1250 "ŕ")
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if language_of(text) is not None:
            return text, f"not UTF-8: decoded as {encoding}"
    from charset_normalizer import from_bytes
    best = from_bytes(data).best()
    if best is None:
        raise BadInput("undecodable text (no known encoding fits)")
    return str(best), f"not UTF-8: decoded as {best.encoding}"


def _control_share(data: bytes) -> float:
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13))
    return controls / max(1, len(data))


def looks_like_html(text: str) -> bool:
    return bool(_HTML.search(text[:2000]))


def html_to_report(html: str) -> Report:
    """Main text, title and publication date of an HTML page (trafilatura, htmldate)."""
    import trafilatura
    doc = trafilatura.bare_extraction(html, include_comments=False, include_tables=False,
                                      with_metadata=True)
    body = (getattr(doc, "text", None) or "") if doc is not None else ""
    title = getattr(doc, "title", None) if doc is not None else None
    date = getattr(doc, "date", None) if doc is not None else None
    if not body.strip():
        raise BadInput("HTML page with no readable text")
    text = f"{title}\n\n{body}" if title and not body.startswith(title) else body
    return Report(text.replace("\u00ad", ""), title=title, date=date,
                  warnings=["HTML given: its main text was extracted"])


def language_of(text: str) -> str | None:
    """The first known language whose common words make up enough of the text."""
    words = [w.casefold() for w in _WORD.findall(text[:20000])]
    if len(words) < 3:
        return available()[0] if words else None
    best, share = None, 0.0
    for code in available():
        common = set(meta(code).get("stopwords_for_detection", ()))
        s = sum(w in common for w in words) / len(words)
        if s > share:
            best, share = code, s
    return best if share >= 0.12 else None


def prepare(text: str, max_chars: int = MAX_CHARS, lang: str | None = None) -> Report:
    """Check a report's text: HTML stripped, language checked, length capped."""
    if not text.strip():
        raise BadInput("empty report")
    report = html_to_report(text) if looks_like_html(text) else Report(text)
    found = language_of(report.text)
    wanted = lang or found
    if found is None or (lang and found != lang):
        names = ", ".join(available())
        raise BadInput(f"not a report in a language sitroom reads ({names})")
    if len(report.text) > max_chars:
        report.warnings.append(f"{len(report.text):,} characters: only the first {max_chars:,} were read")
        cut = report.text.rfind("\n", 0, max_chars)
        report.text = report.text[:cut if cut > max_chars // 2 else max_chars]
    report.lang = wanted
    return report


def jsonl_objects(path: str | Path, say: Callable[[str, str], None]) -> Iterator[tuple[str, dict]]:
    """(where, object) of each line of a JSONL file that holds an object with a "text";
    every other non-blank line is passed to `say(where, why)`."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                say(where, "not a JSON object")
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
                say(where, 'line has no "text"')
                continue
            yield where, obj


def read(path: str | Path, max_chars: int = MAX_CHARS, lang: str | None = None) -> Report:
    """Read a report file of any encoding, as text or HTML."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise BadInput(f"cannot read: {e.strerror or e}") from None
    text, note = decode(data)
    report = prepare(text, max_chars, lang)
    if note:
        report.warnings.insert(0, note)
    return report
