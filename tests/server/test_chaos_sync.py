"""The chaos sync run (bench/chaos_sync.py) in a small size, on SQLite and PostgreSQL: phones
with wrong clocks on a network that loses, cuts, doubles and replays requests, the real
server killed with SIGKILL and started again, and old mutations delivered again after their
records moved on; nothing a phone recorded is lost or doubled, each clue, case, note,
photo and inspection is what the log predicts (late where it came after its parent
closed), every conflict holds both sides' values, every photo is held and verified, each
phone's copy is the server's view, the audit chain holds. The full size: ``make
bench-chaos`` (50 phones, 20,000 mutations, 20 kills)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "chaos_sync.py"


def _chaos():
    spec = importlib.util.spec_from_file_location("chaos_sync", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", [7])
def test_nothing_recorded_is_lost_or_doubled_through_faults_and_kills(db_url, seed):
    result = _chaos().run(db_url, devices=10, mutations=600, kills=3, seed=seed, quiet=True)
    assert result["mutations"] >= 600
    assert result["kills"] == 3
    assert result["faults_total"] > 0 and len(result["faults"]) >= 4, result["faults"]
    # Late replays (a mutation again after its record moved on) are a real share of faults.
    assert result["faults"]["late_replay"] >= 0.2 * result["faults_total"], result["faults"]
    assert result["records_compared"] > 100
    assert result["outcomes"]["applied"] > 300
    assert result["photos"] > 10  # uploaded by tus through the same faults and kills
    # The model's other kinds were there to check: kept conflicts, cases and their
    # inspections, children appended late.
    assert sum(result["conflicts"].values()) > 0, result["outcomes"]
    assert sum(result["cases"].values()) > 10 and result["inspections"] > 0, result["cases"]
    assert sum(result["late_children"].values()) > 0, result["late_children"]
