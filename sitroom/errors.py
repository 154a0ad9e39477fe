"""Coded errors and warnings; each message says what went wrong and how to fix it.

Codes are stable: SR1xx language data, SR2xx pipeline stages. Use them as
`raise LexiconError(Errors.SR101.format(...))`; the text starts with "[SR101]".
"""
from __future__ import annotations


class _Coded(type):
    """Prefix each SR… message with its code, as spaCy's errors do."""

    def __getattribute__(cls, name: str):
        message = super().__getattribute__(name)
        return f"[{name}] {message}" if name.startswith("SR") else message


class Errors(metaclass=_Coded):
    SR101 = ("lexicon {path}: missing key {key!r} ({expected}). Add it to the file; "
             "sitroom/lang/schema.json declares every key a lexicon needs.")
    SR102 = ("lexicon {path}: key {key!r} must be {expected}, found {found}. Fix the value; "
             "sitroom/lang/schema.json declares the type of every key.")
    SR103 = "lexicon {path} is not valid JSON ({cause}). Fix the file at the line and column given."
    SR104 = ("no {name!r} resource for language {lang!r} ({path}). Pass one of the languages "
             "sitroom has ({available}) or add the file to that language's folder.")
    SR105 = ("this doc has no language: run it through sitroom.pipeline(lang), or make it with "
             "sitroom.extract.make_doc(text, date, lang), or set doc._.lang.")


class Warnings(metaclass=_Coded):
    SR201 = ("stage {stage} failed on this report, so its {field} are missing ({cause}). "
             "Please report it with the text; the other stages ran.")


class SitroomError(Exception):
    """Base class of the errors sitroom raises on purpose."""


class LexiconError(SitroomError, ValueError):
    """A language data file is malformed: the message names the file and the key."""


class ResourceMissing(SitroomError, LookupError):
    """A language lacks a data file the code asks for."""
