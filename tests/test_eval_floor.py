"""Gold gate: sitroom's F1 must not fall below its recorded floors.

Gold sets: ../shared/examples (seed + dev), the real-corpus gold of benchmarks/gold
(dev and test apart; its texts stay in ../shared/corpus) — each skipped where ../shared
is absent — and our own held-out reports in examples/reports (never tuned on). The floors
live in tests/data/eval_floor.json; raise them when sitroom improves (`make eval`).
"""
import json
import shutil

import pytest

from conftest import DATA, ROOT, SHARED

FLOORS = json.loads((DATA / "eval_floor.json").read_text())
OWN = ROOT / "examples" / "reports"


def _score(gold_parts, tmp):
    from sitroom.evaluate import run
    gold = tmp / "gold.jsonl"
    with gold.open("w", encoding="utf-8") as out:
        for part in gold_parts:
            out.write(part.read_text(encoding="utf-8"))
            for txt in part.parent.glob("*.txt"):
                shutil.copy(txt, tmp)
    return run(gold, tmp)[0].tallies


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    out = {"own": _score([OWN / "gold.jsonl"], tmp_path_factory.mktemp("own"))}
    if (SHARED / "examples").is_dir():
        out["shared"] = _score(sorted((SHARED / "examples").glob("*/gold.jsonl")), tmp_path_factory.mktemp("shared"))
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        from sitroom.evaluate import run
        folders = [corpus / "wikinews-fr-crisis" / "texts", corpus / "globalvoices-fr-crisis" / "texts"]
        for part in ("dev", "test"):
            out[f"corpus-{part}"] = run(ROOT / "benchmarks" / "gold" / f"corpus-{part}.jsonl", folders)[0].tallies
    return out


@pytest.mark.parametrize("gold_set, field", [(s, f) for s in FLOORS for f in sorted(FLOORS[s])])
def test_f1_does_not_fall_below_floor(scores, gold_set, field):
    if gold_set not in scores:
        pytest.skip(f"{gold_set} gold is not here")
    f1 = scores[gold_set][field].f1
    assert f1 >= FLOORS[gold_set][field] - 1e-9, f"{gold_set} {field} F1 {f1:.3f} < floor {FLOORS[gold_set][field]}"
