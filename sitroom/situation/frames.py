"""pandas DataFrames of a reconciled situation, for notebook users.

events_frame:  one row per situation event (dates as datetimes, tolls, sources).
figures_frame: one row per figure claim, with its group, voice, date, and whether it is
               superseded or disputed — pivot it to compare sources side by side.
"""
from __future__ import annotations

from .export import toll
from .reconcile import Situation, reconcile
from .sourced import Sourced


def _situation(situation_or_items) -> Situation:
    return situation_or_items if isinstance(situation_or_items, Situation) else reconcile(list(situation_or_items))


def events_frame(situation: Situation | list[Sourced]):
    """A DataFrame of events, indexed by event id."""
    import pandas as pd
    s = _situation(situation)
    rows = [{"id": e.id, "type": e.type, "status": e.status, "outcome": e.outcome, "date": e.date,
             "date_start": e.date_start, "date_end": e.date_end, "place": e.place, "admin1": e.admin1,
             "country": e.country, "lat": e.lat, "lon": e.lon, "killed": toll(s, e, "killed"),
             "injured": toll(s, e, "injured"), "displaced": toll(s, e, "displaced"), "people": e.people,
             "n_reports": len(e.reports), "sources": e.sources, "first_seen": e.first_seen,
             "last_seen": e.last_seen, "plover": e.plover, "acled": e.acled, "summary": e.summary}
            for e in s.events]
    df = pd.DataFrame(rows, columns=["id", "type", "status", "outcome", "date", "date_start", "date_end", "place",
                                     "admin1", "country", "lat", "lon", "killed", "injured", "displaced", "people",
                                     "n_reports", "sources", "first_seen", "last_seen", "plover", "acled", "summary"])
    for col in ("date_start", "date_end", "first_seen", "last_seen"):
        df[col] = pd.to_datetime(df[col], errors="coerce")
    for col in ("killed", "injured", "displaced"):
        df[col] = df[col].astype("Int64")
    return df.set_index("id")


def figures_frame(situation: Situation | list[Sourced]):
    """A DataFrame of figure claims, one row each, grouped by figure group id."""
    import pandas as pd
    s = _situation(situation)
    rows = [{"group_id": g.id, "event_id": g.event_id, "action": g.action, "group": g.group, "place": g.place,
             "country": g.country, "period": g.period, "people": g.people, "report_id": c.report_id,
             "source": c.source, "attributed_to": c.attributed_to, "voice": c.voice, "published": c.published,
             "low": c.low, "high": c.high, "qualifier": c.qualifier, "status": c.status, "text": c.text,
             "superseded_by": c.superseded_by, "disputed": g.conflict}
            for g in s.figures for c in g.claims]
    df = pd.DataFrame(rows, columns=["group_id", "event_id", "action", "group", "place", "country", "period",
                                     "people", "report_id", "source", "attributed_to", "voice", "published", "low",
                                     "high", "qualifier", "status", "text", "superseded_by", "disputed"])
    df["published"] = pd.to_datetime(df["published"], errors="coerce")
    return df
