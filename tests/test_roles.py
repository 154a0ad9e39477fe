"""Event agents and targets: one actor named two ways by two outlets is one canonical actor
in the store, the exports and the reconciled situation."""
import csv
import io
import json

import pytest

from sitroom.situation import Store, ingest
from sitroom.situation.export import export
from sitroom.situation.reconcile import reconcile

# Two outlets of our own tell the same shelling; one names "l'armée syrienne", the other "le régime".
OUTLET_A = ("L'armée syrienne a bombardé mardi matin un marché à Idleb, tuant six civils, "
            "selon des secouristes.\n")
OUTLET_B = ("Les forces du régime syrien ont pilonné mardi un marché à Idleb, "
            "tuant six civils.\n")


@pytest.fixture(scope="module")
def store(tmp_path_factory, nlp):
    folder = tmp_path_factory.mktemp("two-outlets")
    lines = [{"text": OUTLET_A, "source": "Courrier du Nord", "published": "2024-03-05"},
             {"text": OUTLET_B, "source": "Dépêche de l'Est", "published": "2024-03-05"}]
    (folder / "reports.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    with Store(folder / "s.db") as s:
        result = ingest([folder / "reports.jsonl"], s, progress=False, dedup=False)
        assert result.extracted == 2
        yield s


def test_one_actor_named_two_ways_is_one_canonical_actor(store):
    agents = [e.agent for s in store.sourced() for e in s.record.events if e.type == "attack"]
    assert len(agents) == 2 and all(agents), agents
    assert {a.name for a in agents} == {"armée syrienne", "forces du régime syrien"}
    assert {a.id for a in agents} == {"state:SY"}


def test_the_situation_and_the_acled_csv_name_the_canonical_actor(store):
    situation = reconcile(store.sourced())
    attacks = [e for e in situation.events if e.type == "attack"]
    assert len(attacks) == 1 and [a.id for a in attacks[0].agents] == ["state:SY"]
    rows = list(csv.DictReader(io.StringIO(export(situation, "csv"))))
    [row] = [r for r in rows if r["sub_event_type"] == "attack"]
    assert (row["actor1"], row["inter1"]) == ("Syria (state)", "1")
    assert row["actor2"] == "civils" and row["inter2"] == "7"


def test_agents_that_clash_keep_events_apart():
    from sitroom.models import EventActor
    from sitroom.situation.reconcile import agents_clash
    state = EventActor(name="armée syrienne", type="military", country="SY", id="state:SY")
    isis = EventActor(name="EI", type="armed_group", id="ISIS")
    rebels = EventActor(name="rebelles", type="armed_group", id="armed_group:rebelles")
    insurgents = EventActor(name="insurgés", type="armed_group", id="armed_group:insurges")
    assert agents_clash([state], [isis]) and agents_clash([state], [rebels])
    assert not agents_clash([rebels], [insurgents]) and not agents_clash([state], [])
