"""The scorer follows gold-format.md: hand-made gold and system records."""
import pytest

from sitroom.evaluate import _date_ok, km, norm, score_report

GOLD = {
    "id": "g1",
    "times": [{"value": "2021-03-02", "type": "DATE"}, {"value": "P3D", "type": "DURATION"}],
    "places": [{"text": "Tombouctou", "name": "Timbuktu", "country": "ML", "lat": 16.77, "lon": -3.01},
               {"text": "Tombouctou", "name": "Timbuktu", "country": "ML", "lat": 16.77, "lon": -3.01},
               {"text": "Gao", "name": "Gao", "country": "ML", "lat": 16.27, "lon": -0.04}],
    "figures": [{"low": 12, "high": 12, "action": "killed"}, {"low": 30, "high": 40, "action": "injured"}],
    "quotes": [{"start": 100, "speaker": "Le gouverneur"}, {"start": 400, "speaker": "Aminata Traoré"}],
    "events": [{"type": "attack", "date": "2021-03", "place": "Timbuktu", "country": "ML"},
               {"type": "statement", "date": None, "place": None, "country": "FR"}],
}


def test_perfect_system_scores_one():
    s = score_report(GOLD, GOLD)
    assert all(t.f1 == 1.0 for t in s.tallies.values())
    assert s.tallies["places"].n_gold == 2          # once per distinct place


def test_partial_system():
    sys = {
        "times": [{"value": "2021-03-02", "type": "DATE"}, {"value": "2021-03-02", "type": "DATE"}],
        "places": [{"name": "Tombouctou", "lat": 16.80, "lon": -3.00}, {"name": "Bamako", "lat": 12.6, "lon": -8.0}],
        "figures": [{"low": 12, "high": 12, "action": "injured"}],
        "quotes": [{"start": 102, "speaker": "le gouverneur"}, {"start": 398, "speaker": "un témoin"}],
        "events": [{"type": "attack", "date": "2021-03-01", "place": "Timbuktu", "country": "ML"},
                   {"type": "statement", "date": "2021-03-02", "place": None, "country": "FR"}],
    }
    s = score_report(GOLD, sys).tallies
    assert (s["times"].tp, s["times"].n_sys, s["times"].n_gold) == (1, 2, 2)
    assert s["places"].tp == 1                       # within 25 km though named otherwise
    assert s["figures"].tp == 0 and s["figures_loose"].tp == 1
    assert s["quotes"].tp == 2 and s["quotes_speaker"].tp == 1
    assert s["events"].tp == 2


def test_helpers():
    assert norm("L’Armée  israélienne") == "armee israelienne"
    assert km({"lat": 0, "lon": 0}, {"lat": 0, "lon": 1}) == pytest.approx(111.2, abs=0.5)
    assert _date_ok(None, "2020-01-01") and _date_ok("2020-01", "2020-01-05")
    assert not _date_ok("2020-01-05", None) and not _date_ok("2020-01-05", "2020-01-06")


def test_place_matching_prefers_names_over_distance():
    gold = {"places": [{"name": "Village A", "lat": 35.90, "lon": 36.60},
                       {"name": "Idlib Governorate", "lat": 35.83, "lon": 36.67}]}
    sys = {"places": [{"name": "Idlib Governorate", "lat": 35.83, "lon": 36.67},
                      {"name": "Village A", "lat": 35.90, "lon": 36.60}]}
    assert score_report(gold, sys).tallies["places"].tp == 2


def test_distance_pass_pairs_the_nearest_first():
    gold = {"places": [{"name": "Hamlet", "lat": 31.00, "lon": -8.00}, {"name": "Town", "lat": 31.10, "lon": -8.10}]}
    sys = {"places": [{"name": "Town B", "lat": 31.10, "lon": -8.11}, {"name": "Hamlet B", "lat": 31.01, "lon": -8.00}]}
    assert score_report(gold, sys).tallies["places"].tp == 2


def test_loose_figures_never_score_below_strict():
    gold = {"figures": [{"low": 5, "high": 5, "action": "killed"}, {"low": 5, "high": 5, "action": "injured"}]}
    sys = {"figures": [{"low": 5, "high": 5, "action": "killed"}, {"low": 5, "high": 5, "action": "injured"}]}
    s = score_report(gold, sys).tallies
    assert s["figures"].tp == s["figures_loose"].tp == 2


def test_dates_compare_as_periods_weeks_included():
    assert _date_ok("2024-W22", "2024-05-29") and _date_ok("2024-05-29", "2024-W22")
    assert _date_ok("2024-05", "2024-W20") and not _date_ok("2024-W22", "2024-06-05")
    assert not _date_ok("2024-W22", "2024-05")       # a month is not inside a week


def test_speakers_match_on_most_words_as_actors_do():
    gold = {"quotes": [{"start": 10, "speaker": "Amadou Diallo"}, {"start": 90, "speaker": "le porte-parole de l'armée"}]}
    sys = {"quotes": [{"start": 10, "speaker": "Diallo"}, {"start": 90, "speaker": "le maire"}]}
    s = score_report(gold, sys).tallies
    assert s["quotes_speaker"].tp == 1               # "Diallo" ~ "Amadou Diallo"; "maire" is not the spokesman
