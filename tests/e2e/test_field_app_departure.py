"""A record that leaves a phone's view leaves the phone with its children (R11): the land
department's phone holds a transferred clue and its note; the township recalls the transfer;
at its next sync the phone holds neither (the departure's tombstones, ``sync.views``)."""

from __future__ import annotations

import pytest

from tests.e2e.kit import api_login
from tests.e2e.phone import IDB
from tests.server.sync_kit import new_clue, note, step

pytestmark = pytest.mark.browser
MATTER = "LY-0076-01"  # the land department's; 石梁镇 was not empowered for it

HOLDS = f"""async ([ids, count]) => {{ {IDB}
  const d = await idb();
  const records = await all(d, 'records');
  d.close();
  return records.filter((r) => ids.includes(r.id)).length === count;
}}"""


def test_a_recalled_transfer_leaves_the_departments_phone_with_its_note(phones, county):
    grid, room = api_login(county.url, "sl_grid1"), api_login(county.url, "sl_dispatch")
    clue = new_clue(matter_code=MATTER, description="林地边违建")
    written = note(clue["record_id"], "已拍照取证")
    for session, m in ((grid, clue), (grid, written), (room, step(clue["record_id"], "transfer"))):
        r = session.post(f"{county.url}/api/v1/sync/push", json={"mutations": [m]})
        assert r.json()["results"][0]["outcome"] == "applied", r.text
    ids = [clue["record_id"], written["record_id"]]

    phone = phones("land")
    phone.enter("dept_zrzy")
    phone.until(HOLDS, [ids, 2])

    recall = step(clue["record_id"], "recall_transfer", reason="移送有误，镇里自行处理")
    r = room.post(f"{county.url}/api/v1/sync/push", json={"mutations": [recall]})
    assert r.json()["results"][0]["outcome"] == "applied", r.text
    phone.sync_now()

    phone.until(HOLDS, [ids, 0])
