"""Reconciliation of many reports into one situation.

The reconcile tests build Records by hand (real input for a pure function), following
the invented Ituri crisis told in tests/data/situation_reconcile/*.txt by five outlets;
one test runs the real extraction over those reports.
"""
import json
import time

import pytest

from sitroom.models import Event, Figure, Place, Record, Time
from sitroom.situation.reconcile import interval, reconcile
from sitroom.situation.sourced import Sourced

from conftest import DATA

BUNIA = dict(place="Bunia", country="CD", lat=1.5594, lon=30.2522)
DJUGU = dict(place="Djugu", country="CD", lat=1.9193, lon=30.5026)
MAHAGI = dict(place="Mahagi", country="CD", lat=2.3092, lon=30.9929)
PLACES = [Place(text=n, start=0, end=1, name=n, country="CD", lat=la, lon=lo, level="city")
          for n, la, lo in (("Bunia", 1.5594, 30.2522), ("Djugu", 1.9193, 30.5026), ("Mahagi", 2.3092, 30.9929))]
PLACES.append(Place(text="Ituri", start=0, end=1, name="Ituri", country="CD", lat=1.8, lon=29.8, level="admin1"))


def fig(low, action="killed", group="people", qualifier="exact", status="reported", source=None, start=0):
    return Figure(text=str(low), start=start, end=start + 2, low=low, high=low, qualifier=qualifier,
                  action=action, group=group, status=status, source=source)


def ev(type, date, sentence, status="occurred", figures=(), where=BUNIA, agent=None, start=10, dated=True):
    return Event(type=type, trigger=sentence.split()[0], start=start, end=start + 5, sentence=sentence, date=date,
                 status=status, figures=list(figures), agent=agent, **where)


def report(rid, source, day, events, figures=(), dated_times=()):
    """A Sourced report; every event gets a time expression in its sentence unless listed as undated."""
    times = [Time(text="jeudi", start=e.start, end=e.start + 1, value=e.date or day, type="DATE")
             for k, e in enumerate(events) if k not in dated_times and (e.date or day)]
    rec = Record(id=rid, published=day, date_source="given", events=list(events), figures=list(figures),
                 places=PLACES, times=times)
    return Sourced(report_id=rid, source=source, published=day, record=rec, title=f"{source} {day}")


@pytest.fixture(scope="module")
def ituri() -> list[Sourced]:
    return [
        report("r1", "Radio Bunia Matin", "2024-03-08", [
            ev("attack", "2024-03-08", "Attaque contre le site de déplacés près de Bunia.", figures=[0]),
            ev("evacuation", "2024-03-08", "évacués vers l'hôpital général de Bunia.", start=200),
            ev("attack", "2024-03-08", "Attaque aussi à Mahagi.", where=MAHAGI, start=300, figures=[1]),
        ], [fig(12, group="civilians", qualifier="at_least", source="la société civile"), fig(3, start=310)]),
        report("r2", "Dépêche Internationale", "2024-03-08", [
            ev("attack", "2024-03-07", "attaque menée dans la nuit par des miliciens.", figures=[0]),
            ev("meeting", "2024-03-09", "réunion de sécurité samedi à Bunia.", status="planned", start=150),
            ev("statement", "2024-03-08", "condamné l'attaque.", agent="la Mission des Nations unies", start=250),
        ], [fig(7, source="l'armée")]),
        report("r3", "Le Courrier des Grands Lacs", "2024-03-09", [
            ev("attack", "2024-03-09", "bilan de l'attaque s'élève désormais à 26 morts.", figures=[0]),
            ev("meeting", "2024-03-09", "réunion de sécurité s'est tenue samedi à Bunia.", start=150),
            ev("displacement", "2024-03-08", "fui le site vers Bunia depuis vendredi.", figures=[1], start=250),
            ev("statement", "2024-03-09", "demandé le renforcement des patrouilles.", agent="les chefs coutumiers",
               start=350),
        ], [fig(26, status="cumulative", source="un responsable humanitaire"),
            fig(3000, "displaced", qualifier="approx", start=260)], dated_times=(0,)),
        report("r4", "Bulletin humanitaire Ituri", "2024-03-10", [
            ev("displacement", "2024-03-10", "déplacées vers Bunia.", status="ongoing", figures=[0]),
            ev("meeting", "2024-03-12", "mission conjointe doit se rendre à Djugu le 12 mars.", status="planned",
               where=DJUGU, start=150),
        ], [fig(5000, "displaced", qualifier="approx", source="OCHA")]),
        report("r5", "Radio Bunia Matin", "2024-03-12", [
            ev("meeting", "2024-03-19", "mission conjointe reportée au 19 mars.", status="planned", where=DJUGU),
        ]),
        report("r6", "Journal de Kinshasa", "2024-03-12", [
            ev("attack", "2024-03-08", "nouveau bilan de 21 morts et 28 blessés pour l'attaque.", figures=[0, 1]),
        ], [fig(21, source="le ministère de l'Intérieur"), fig(28, "injured", start=5)]),
    ]


def by(sit, type, place, date_prefix=""):
    found = [e for e in sit.events if e.type == type and e.place == place and (e.date or "").startswith(date_prefix)]
    assert len(found) == 1, [(e.type, e.place, e.date, e.reports) for e in sit.events]
    return found[0]


def test_events_are_merged(ituri):
    sit = reconcile(ituri)
    expected = {  # (type, place, date prefix): reports behind the merged event
        ("attack", "Bunia", "2024-03-0"): ["r1", "r2", "r3", "r6"],
        ("attack", "Mahagi", ""): ["r1"],
        ("evacuation", "Bunia", ""): ["r1"],
        ("meeting", "Bunia", ""): ["r2", "r3"],
        ("meeting", "Djugu", "2024-03-12"): ["r4"],
        ("meeting", "Djugu", "2024-03-19"): ["r5"],
        ("displacement", "Bunia", ""): ["r3", "r4"],
    }
    for (type, place, day), reports in expected.items():
        assert sorted(by(sit, type, place, day).reports) == reports, (type, place)
    statements = [e for e in sit.events if e.type == "statement"]
    assert len(statements) == 2                       # different speakers: not merged
    attack = by(sit, "attack", "Bunia")
    assert attack.sources == ["Radio Bunia Matin", "Dépêche Internationale", "Le Courrier des Grands Lacs",
                              "Journal de Kinshasa"]
    assert attack.first_seen == "2024-03-08" and attack.last_seen == "2024-03-12"
    assert attack.admin1 == "Ituri" and attack.plover == "ASSAULT"
    assert len(sit.events) == 9
    assert sit.timeline == sorted(sit.timeline, key=lambda i: sit.event(i).date_start)


def test_conflicting_figures_side_by_side(ituri):
    sit = reconcile(ituri)
    attack = by(sit, "attack", "Bunia")
    killed = next(sit.figure_group(g) for g in attack.figure_groups if sit.figure_group(g).action == "killed")
    voices = {c.voice: c for c in killed.claims}
    assert set(voices) == {"Radio Bunia Matin, citing la société civile", "Dépêche Internationale, citing l'armée",
                           "Le Courrier des Grands Lacs, citing un responsable humanitaire",
                           "Journal de Kinshasa, citing le ministère de l'Intérieur"}
    assert (killed.low, killed.high) == (7, 26)
    # the later cumulative toll supersedes the first ones without deleting them
    assert voices["Radio Bunia Matin, citing la société civile"].superseded_by == "r3"
    assert voices["Dépêche Internationale, citing l'armée"].superseded_by == "r3"
    assert not voices["Journal de Kinshasa, citing le ministère de l'Intérieur"].superseded_by
    # 26 (cumulative) and 21 (official, later) disagree: flagged
    assert killed.conflict and (killed.current_low, killed.current_high) == (21, 26)
    displaced = next(g for g in sit.figures if g.action == "displaced")
    # 3 000 displaced one day, 5 000 the next: a progression, not a dispute
    assert not displaced.conflict and [c.source for c in displaced.claims] == ["Le Courrier des Grands Lacs",
                                                                               "Bulletin humanitaire Ituri"]
    assert [c.superseded_by for c in displaced.claims][0] is not None
    subjects = [c.subject for c in sit.conflicts]
    assert any("killed" in s for s in subjects) and not any("displaced" in s for s in subjects)
    mahagi = by(sit, "attack", "Mahagi")
    assert not any(sit.figure_group(g).conflict for g in mahagi.figure_groups)


def test_planned_events_tracked(ituri):
    sit = reconcile(ituri)
    held = by(sit, "meeting", "Bunia")
    assert held.planned and held.outcome == "fulfilled" and held.status == "occurred"
    assert [m.report_id for m in held.outcome_evidence] == ["r3"]
    put_off = by(sit, "meeting", "Djugu", "2024-03-12")
    assert put_off.outcome == "postponed" and put_off.rescheduled_to == "2024-03-19"
    assert put_off.outcome_evidence[0].report_id == "r5"
    assert by(sit, "meeting", "Djugu", "2024-03-19").outcome is None
    assert set(sit.planned) == {held.id, put_off.id, by(sit, "meeting", "Djugu", "2024-03-19").id}


def test_postponement_cue_in_same_cluster():
    a = report("a", "A", "2024-05-02", [ev("meeting", "2024-05-06", "sommet prévu lundi.", status="planned")])
    b = report("b", "B", "2024-05-05", [ev("meeting", "2024-05-06", "le sommet de lundi a été reporté sine die.",
                                            status="planned")])
    c = report("c", "C", "2024-05-03", [ev("meeting", "2024-05-06", "le sommet de lundi est annulé.",
                                            status="planned", where=MAHAGI)])
    sit = reconcile([a, b, c])
    bunia = by(sit, "meeting", "Bunia")
    assert bunia.outcome == "postponed" and bunia.reports == ["a", "b"]
    assert by(sit, "meeting", "Mahagi").outcome is None      # announced once, nothing later


def test_places_and_intervals(ituri):
    sit = reconcile(ituri)
    bunia = next(p for p in sit.places if p.name == "Bunia")
    assert bunia.reports == 6 and bunia.events >= 4 and bunia.people == 5000
    assert interval("2024-03") == (interval("2024-03-01")[0], interval("2024-03-31")[0])
    assert interval("2016-W50")[0].isoformat() == "2016-12-12"
    assert interval("PRESENT_REF") is None and interval(None) is None and interval("2024-13-45") is None


def test_odd_input():
    assert reconcile([]).events == []
    empty = Sourced(report_id="x", record=Record())
    undated = report("u", "U", None, [ev("attack", None, "attaque.")])
    sit = reconcile([empty, undated, undated.model_copy(update={"report_id": "v"})])
    assert len(sit.events) == 1 and sit.events[0].reports == ["u", "v"]     # same place, undated: merged
    assert sit.timeline == []


def synthetic(n: int) -> list[Sourced]:
    """n reports over 200 days in 40 towns, each with an attack, a displacement and a toll."""
    out = []
    for k in range(n):
        day = f"2024-{1 + (k // 7) % 7:02d}-{1 + k % 28:02d}"
        town = dict(place=f"T{k % 40}", country="CD", lat=-4 + (k % 40) * 0.9, lon=20 + (k % 40) * 0.5)
        out.append(report(f"s{k}", f"outlet{k % 13}", day, [
            ev("attack", day, "attaque.", where=town, figures=[0]),
            ev("displacement", day, "fui.", where=town, figures=[1], start=50),
            ev("statement", day, "déclare.", agent=f"porte-parole {k % 5}", where=town, start=90)],
            [fig(k % 30 + 1), fig(100 + k, "displaced", start=60)]))
    return out


def test_reconcile_grows_linearly():
    small, big = synthetic(200), synthetic(1000)
    t0 = time.perf_counter()
    reconcile(small)
    t1 = time.perf_counter()
    sit = reconcile(big)
    t2 = time.perf_counter()
    assert len(sit.events) < 3 * 40 * 196                # merged, not one per mention
    assert (t2 - t1) < 12 * (t1 - t0) + 0.5              # 5x the reports: far from 25x the time


def test_real_extraction_of_the_ituri_reports(nlp):
    """End to end over the invented reports (lenient: extraction quality is another module's concern)."""
    import sitroom
    folder = DATA / "situation_reconcile"
    items = []
    for line in (folder / "meta.jsonl").read_text(encoding="utf-8").splitlines():
        meta = json.loads(line)
        text = (folder / meta.pop("file")).read_text(encoding="utf-8")
        items.append(Sourced(record=sitroom.extract(text, meta["published"], lang="fr", id=meta["report_id"]), **meta))
    sit = reconcile(items)
    attacks = sorted((e for e in sit.events if e.type == "attack"), key=lambda e: -len(e.reports))
    assert attacks and len(attacks[0].reports) >= 2 and len(attacks[0].sources) >= 2
    killed = [g for g in sit.figures if g.action == "killed" and len({c.report_id for c in g.claims}) >= 2]
    assert killed, "tolls from several reports are grouped side by side"


def test_mentions_with_no_known_place_never_join_another_report():
    """Three outlets, one day, the same words about three places; only one place is known."""
    nowhere = dict(place=None, country=None, lat=None, lon=None)
    items = [report(f"r{k}", f"Outlet {k}", "2024-05-07",
                    [ev("attack", "2024-05-07", "Des tirs ont visé le marché mardi.", where=where)])
             for k, where in enumerate((BUNIA, nowhere, nowhere))]
    situation = reconcile(items)
    attacks = [e for e in situation.events if e.type == "attack"]
    assert len(attacks) == 3 and all(len(e.reports) == 1 for e in attacks)


def test_a_mention_with_no_place_joins_its_own_report():
    nowhere = dict(place=None, country=None, lat=None, lon=None)
    one = report("r1", "Outlet", "2024-05-07", [
        ev("attack", "2024-05-07", "Des tirs ont visé le marché de Bunia mardi."),
        ev("attack", "2024-05-07", "Ces tirs ont fait trois morts.", where=nowhere, start=100)])
    situation = reconcile([one])
    assert len([e for e in situation.events if e.type == "attack"]) == 1


def test_a_rising_evacuation_count_is_a_progression_not_a_conflict():
    days = (("r1", "Outlet A", "2024-05-07", 1000), ("r2", "Outlet B", "2024-05-08", 8000))
    items = [report(rid, src, day, [ev("evacuation", day, "évacués de Bunia.", figures=[0])],
                    [fig(n, action="evacuated", qualifier="approx")]) for rid, src, day, n in days]
    situation = reconcile(items)
    [group] = [g for g in situation.figures if g.action == "evacuated"]
    assert not group.conflict and (group.current_low, group.current_high) == (8000, 8000)
    assert [c.superseded_by for c in group.claims] == ["r2", None]
    assert not situation.conflicts


def test_outlets_are_named_never_numbered():
    from sitroom.situation.export import export
    bare = report("17", None, "2024-05-07", [ev("attack", "2024-05-07", "Des tirs ont visé Bunia.", figures=[0])],
                  [fig(4)])
    site = report("18", None, "2024-05-07", [ev("attack", "2024-05-07", "Tirs sur Bunia.", figures=[0])], [fig(4)])
    site = site.model_copy(update={"url": "https://www.radio-exemple.org/bunia"})
    situation = reconcile([bare, site])
    [attack] = [e for e in situation.events if e.type == "attack"]
    assert attack.sources == ["unnamed source", "radio-exemple.org"]
    assert {c.voice for g in situation.figures for c in g.claims} == {"unnamed source", "radio-exemple.org"}
    assert "17" not in export(situation, "csv").splitlines()[1].split(",")[-8:]


def test_parts_of_a_whole_add_up_and_are_not_competing_claims():
    """One outlet tells 2 + 3 hostages freed (a list) and 40 injured of whom 7 seriously (a part);
    another tells 5 hostages and 40 injured: no dispute."""
    def parts(rid, src, figures):
        freed = [k for k, f in enumerate(figures) if f.action == "released"]
        hurt = [k for k, f in enumerate(figures) if f.action == "injured"]
        return report(rid, src, "2024-05-07", [ev("arrest", "2024-05-07", "libérés à Bunia.", figures=freed),
                                               ev("attack", "2024-05-07", "Attaque à Bunia.", start=100,
                                                  figures=hurt)], figures)
    first = [fig(2, action="released", group="hostages"), fig(3, action="released", group="hostages"),
             fig(40, action="injured"), fig(7, action="injured", start=120)]
    first[1].listed_with, first[3].part_of = 0, 2
    second = [fig(5, action="released", group="hostages"), fig(40, action="injured")]
    situation = reconcile([parts("r1", "Outlet A", first), parts("r2", "Outlet B", second)])
    hostages = next(g for g in situation.figures if g.action == "released")
    injured = next(g for g in situation.figures if g.action == "injured")
    assert [(c.low, c.high) for c in hostages.claims] == [(5, 5), (5, 5)] and not hostages.conflict
    assert [(c.low, c.high) for c in injured.claims] == [(40, 40), (40, 40)] and not injured.conflict
    assert hostages.claims[0].text == "2 + 3"


def test_figures_of_reports_about_different_cities_never_share_a_group():
    """Two reports on one day in one country, about two cities, each with a toll no event carries."""
    def city_report(rid, src, name, lat, lon, toll):
        rec = Record(id=rid, published="2024-05-07", date_source="given", figures=[fig(toll)],
                     places=[Place(text=name, start=0, end=3, name=name, country="CD", lat=lat, lon=lon, level="city")])
        return Sourced(report_id=rid, source=src, published="2024-05-07", record=rec, title=src)
    situation = reconcile([city_report("r1", "Outlet A", "Bunia", 1.56, 30.25, 5),
                           city_report("r2", "Outlet B", "Mahagi", 2.31, 30.99, 22)])
    groups = [g for g in situation.figures if g.action == "killed"]
    assert sorted(g.place for g in groups) == ["Bunia", "Mahagi"]
    assert not any(g.conflict for g in groups) and not situation.conflicts
