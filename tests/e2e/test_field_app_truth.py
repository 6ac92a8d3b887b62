"""The field app files each answer by what the server decided, whatever the network did on
the way (R1): a refusal whose answer was lost is shown as a refusal when the replay answers,
two tabs of the app never push one outbox twice nor overwrite each other's outcomes, and a
mutation the server holds for its parent is shown as held and its photos wait for it."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import sqlalchemy as sa

from server.clues.models import Clue
from server.core.db import db
from server.sync_api.models import SyncMutation
from tests.e2e.kit import api_login, assign_demo_clue, transition
from tests.e2e.phone import IDB, camera_jpeg

pytestmark = pytest.mark.browser
TAKEN = "该任务已被其他队员接单"  # the workflow's words for already_taken


def team_task(county) -> str:
    """A clue assigned to the township's team: any of its officers may take it."""
    return assign_demo_clue(county.url, county.app, None)


def take_offline_after_another(officer, county, clue_id: str) -> None:
    """The officer takes the team task offline; another officer takes it first, online. His
    take is refused (R7) when it arrives."""
    app = county.app
    officer.offline()
    officer.page.goto(officer.url + f"/#/task/{clue_id}")
    officer.page.click("[data-transition=take]")
    officer.page.wait_for_selector("form.handle")
    other = api_login(county.url, "hb_officer3")
    with app.app_context():
        version = db.session.get(Clue, uuid.UUID(clue_id)).version
    assert transition(other, county.url, clue_id, version, "take")["outcome"] == "applied"


def test_a_refusal_whose_answer_was_lost_is_shown_as_needing_attention_never_as_sent(
    phones, county
):
    clue_id = team_task(county)
    officer = phones("officer")
    officer.enter("hb_officer2")
    take_offline_after_another(officer, county, clue_id)
    [take] = [e for e in officer.outbox_states()["entries"] if e["id"] == clue_id]

    pushed, lost = [], []

    def lose_the_first_answer(route):
        pushed.append([m["id"] for m in route.request.post_data_json["mutations"]])
        response = route.fetch()  # the server has decided and answered...
        if not lost:
            lost.append(response.json())
            route.abort("connectionreset")  # ...and the answer dies on the way back
        else:
            route.fulfill(response=response)

    officer.page.route("**/api/v1/sync/push", lose_the_first_answer)
    officer.offline(False)  # back in range: the app syncs, loses the answer, retries
    officer.page.wait_for_selector(".syncbar [data-attention='1']", timeout=60000)
    officer.wait_synced()

    [first] = [r for r in lost[0]["results"] if r["mutation_id"] == take["mutation"]]
    assert (first["outcome"], first["reason"]) == ("rejected", "already_taken")
    assert sum(ids.count(take["mutation"]) for ids in pushed) == 2  # the first, then again
    [filed] = [e for e in officer.outbox_states()["entries"] if e["id"] == clue_id]
    assert (filed["state"], filed["reason"]) == ("attention", "already_taken")
    assert filed["replay"]  # filed from the replay, as the lost answer would have been
    officer.page.goto(officer.url + "/#/outbox")
    row = officer.page.locator(f"[data-mutation='{take['mutation']}']")
    assert row.get_attribute("data-state") == "attention"
    assert TAKEN in row.locator(".reason").inner_text()
    assert row.locator(".chip").inner_text() == "需处理"


def test_two_tabs_syncing_at_once_push_each_mutation_once_and_keep_its_true_outcome(phones, county):
    clue_id = team_task(county)
    officer = phones("officer")
    officer.enter("hb_officer2")
    officer.wait_controlled()
    second = officer.second_tab()  # both tabs hold the same outbox
    take_offline_after_another(officer, county, clue_id)
    officer.report_clue([camera_jpeg(41, size=(640, 480))], "SR-0036-02", "两个标签页", "stopped")
    entries = officer.outbox_states()["entries"]
    assert len(entries) == 3  # the take, the clue, its photo

    pushed: list[str] = []

    def slow_push(route):
        # The first push is slow, so that the other tab's sync starts while it is in flight.
        ids = [m["id"] for m in route.request.post_data_json["mutations"]]
        pushed.extend(ids)
        if len(pushed) == len(ids):
            time.sleep(1.5)
        route.continue_()

    officer.ctx.route("**/api/v1/sync/push", slow_push)
    officer.offline(False)  # both tabs see the network come back and sync at once
    officer.wait_synced()
    second.wait_for_selector(".syncbar button:not([disabled])")
    officer.wait_files_held(count=1)

    assert sorted(pushed) == sorted(e["mutation"] for e in entries), pushed  # each once
    app = county.app
    with app.app_context():
        logged = {
            str(m.id): m.result
            for m in db.session.execute(
                sa.select(SyncMutation).where(
                    SyncMutation.id.in_([uuid.UUID(e["mutation"]) for e in entries])
                )
            ).scalars()
        }
    # Each entry holds the server's own first answer: the refusal as a refusal.
    want = {"rejected": "attention", "applied": "done"}
    for e in officer.outbox_states()["entries"]:
        assert e["state"] == want[logged[e["mutation"]]["outcome"]], (e, logged[e["mutation"]])
        assert e["reason"] == logged[e["mutation"]].get("reason")
    for page in (officer.page, second):
        page.wait_for_selector(".syncbar [data-attention='1']")


def test_a_photo_record_held_for_its_parent_is_shown_as_held_and_its_bytes_wait(phones, county):
    """The server may hold a mutation until the record it hangs from arrives ("waiting"): the
    phone files it as sent (it is not sent again), says so in the outbox, and sends no photo
    bytes for an evidence record until a pull brings that record."""
    grid = phones("grid")
    grid.enter("hb_grid2")
    grid.offline()
    grid.report_clue([camera_jpeg(43, size=(640, 480))], "SR-0036-02", "待上级记录", "stopped")
    [evidence] = [e for e in grid.outbox_states()["entries"] if e["type"] == "evidence"]

    def held_for_parent(route):
        response = route.fetch()
        body = response.json()
        for r in body["results"]:
            if r["mutation_id"] == evidence["mutation"]:
                r.clear()
                r.update(
                    mutation_id=evidence["mutation"], outcome="waiting", reason="waiting_parent"
                )
        route.fulfill(response=response, body=json.dumps(body))

    uploads, pulls = [], []
    grid.page.route("**/api/v1/sync/push", held_for_parent)
    grid.page.on("request", lambda r: "/api/v1/uploads" in r.url and uploads.append(r.url))
    # The pulls fail for now: the evidence record cannot reach the phone yet.
    grid.page.route("**/api/v1/sync/pull*", lambda route: pulls.append(1) or route.abort())
    grid.offline(False)
    deadline = time.monotonic() + 60
    while not pulls and time.monotonic() < deadline:
        grid.page.wait_for_timeout(200)  # lets Playwright run the route handlers meanwhile
    assert pulls, "the sync never reached its pull"
    states = {e["type"]: e["state"] for e in grid.outbox_states()["entries"]}
    assert states == {"clue": "done", "evidence": "waiting"}, states
    assert uploads == []  # no bytes for a record the server does not have yet
    grid.page.goto(grid.url + "/#/outbox")
    row = grid.page.locator(f"[data-mutation='{evidence['mutation']}']")
    assert row.get_attribute("data-state") == "waiting"
    assert "不会重发" in row.locator("[data-note=waiting]").inner_text()

    # The pull brings the record (the server applied it): it has taken effect, and its
    # photo goes with the next sync.
    grid.page.unroute("**/api/v1/sync/pull*")
    grid.sync_now()
    grid.until(
        """async () => { const b = document.querySelector('.syncbar button');
          return b && !b.disabled; }"""
    )
    grid.wait_synced()
    states = {e["type"]: e["state"] for e in grid.outbox_states()["entries"]}
    assert states == {"clue": "done", "evidence": "done"}, states
    grid.sync_now()
    grid.wait_files_held(count=1)
    pushed_again = [e for e in grid.outbox_states()["entries"] if e["state"] != "done"]
    assert pushed_again == []


def test_a_photo_record_that_reaches_the_server_before_its_clue_waits_for_it(phones, county):
    """The same with the engine's own answer: the clue's mutation is held back from the
    first push, so the server sees the photo record first and keeps it waiting for its
    parent; the clue goes next, the record takes effect, and only then its bytes go."""
    grid = phones("grid")
    grid.enter("hb_grid3")
    grid.offline()
    grid.report_clue([camera_jpeg(44, size=(640, 480))], "SR-0036-02", "照片先到", "stopped")
    entries = {e["type"]: e for e in grid.outbox_states()["entries"]}

    held_back, uploads = [], []

    def without_the_clue(route):
        body = route.request.post_data_json
        if not held_back:
            held_back.append(entries["clue"]["mutation"])
            body["mutations"] = [
                m for m in body["mutations"] if m["id"] != entries["clue"]["mutation"]
            ]
        route.continue_(post_data=json.dumps(body))

    grid.page.route("**/api/v1/sync/push", without_the_clue)
    grid.page.on("request", lambda r: "/api/v1/uploads" in r.url and uploads.append(r.url))
    grid.offline(False)
    grid.until(
        f"""async () => {{ {IDB}
          const d = await idb(); const es = await all(d, 'outbox'); d.close();
          return es.some((e) => e.state === 'waiting');
        }}"""
    )
    grid.page.wait_for_selector(".syncbar button:not([disabled])")
    states = {e["type"]: (e["state"], e["reason"]) for e in grid.outbox_states()["entries"]}
    assert states == {"clue": ("pending", None), "evidence": ("waiting", "waiting_parent")}
    assert uploads == []

    grid.sync_now()  # the clue goes; the server applies the photo record after it
    grid.wait_synced()
    grid.sync_now()
    grid.wait_files_held(count=1)
    states = {e["type"]: e["state"] for e in grid.outbox_states()["entries"]}
    assert states == {"clue": "done", "evidence": "done"}, states
    assert uploads
