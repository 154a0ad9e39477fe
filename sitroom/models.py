"""The record sitroom extracts from one report: pydantic models, JSON-serialisable.

Field names follow the evaluation contract (gold-format.md); every fact carries the
character offsets of the words it came from.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

TimeType = Literal["DATE", "TIME", "DURATION", "SET"]
Qualifier = Literal["exact", "approx", "at_least", "more_than", "at_most", "less_than", "range"]
Action = Literal["killed", "injured", "evacuated", "displaced", "missing", "detained", "released",
                 "besieged", "affected", "rescued", "returned", "deployed", "none"]
FigureStatus = Literal["reported", "planned", "estimated", "cumulative"]
EventStatus = Literal["occurred", "planned", "failed", "ongoing", "denied", "hypothetical"]
ActorType = Literal["state", "government", "military", "police", "armed_group", "igo", "ngo", "media",
                    "person", "civilians", "other"]


class Span(BaseModel):
    """A stretch of the report's text."""
    text: str
    start: int
    end: int


class Time(Span):
    value: str
    type: TimeType
    mod: str | None = None            # TIMEX3 mod: START, MID, END, APPROX…
    anchored: bool = True             # False when resolved without a document date


class Place(Span):
    name: str | None = None           # GeoNames English name; None when unresolved
    country: str | None = None        # ISO 3166-1 alpha-2
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    level: Literal["continent", "country", "admin1", "region", "city", "below_city", "water"] | None = None
    resolved: bool = True
    within: str | None = None         # the text's own name for a neighbourhood resolved to its city
    city: str | None = None           # for a place below city level that GeoNames knows: its city


class Figure(Span):
    low: float
    high: float
    qualifier: Qualifier = "exact"
    action: Action = "none"
    group: str = "people"
    status: FigureStatus = "reported"
    source: str | None = None
    part_of: int | None = None        # index of the figure it is a part of ("29 morts dont 27 policiers")
    listed_with: int | None = None    # index of the first figure of its list ("2 Français et 3 Allemands")


class Quote(BaseModel):
    start: int
    end: int
    text: str
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None


class Actor(Span):
    name: str
    type: ActorType = "other"
    country: str | None = None


class EventActor(BaseModel):
    """Who carries an event out, or undergoes it, as the contract names actors."""
    name: str                         # the most informative name the report gives, without determiner
    type: ActorType | None = None
    country: str | None = None        # ISO 3166-1 alpha-2 of the state it belongs to
    id: str | None = None             # canonical actor id, the same across reports (actors.canonical)
    label: str | None = None          # the canonical actor's display name


class Event(BaseModel):
    type: str
    trigger: str
    start: int
    end: int
    sentence: str
    date: str | None = None
    place: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    status: EventStatus = "occurred"
    agent: EventActor | None = None
    target: EventActor | None = None
    figures: list[int] = Field(default_factory=list)   # indexes into Record.figures
    attribution: str | None = None
    plover: str | None = None
    acled: str | None = None

    @field_validator("agent", "target", mode="before")
    @classmethod
    def _named(cls, value):
        """Records stored before actors were typed give a bare name."""
        return {"name": value} if isinstance(value, str) else value


class Record(BaseModel):
    id: str | None = None
    language: str = "fr"
    published: str | None = None       # the document date, ISO 8601
    date_source: Literal["given", "text", "inferred", "none"] = "none"
    published_in_text: bool = False
    times: list[Time] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
