"""Searching the clue list (GET /clues?q=): the words a desk types, matched where a person
would look, never beyond what the caller may list, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from tests.server.sync_kit import new_clue, push_one

CLUES = "/api/v1/clues"


def report(session, **fields) -> str:
    result = push_one(session, new_clue(**fields))
    assert result["outcome"] == "applied", result
    return result["record_id"]


def found(session, q: str) -> set[str]:
    r = session.get(CLUES, query_string={"q": q, "page_size": 100})
    assert r.status_code == 200, r.get_json()
    return {c["id"] for c in r.get_json()}


def test_a_search_matches_the_address_description_matter_and_code_whatever_the_case(world, login):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    stall = report(
        grid, matter_code="CG-001", address="Xinhua 路 12 号", description="夜市烧烤摊占道"
    )
    quiet = report(grid, address="大柘村北", description="秸秆堆放")
    code = dispatcher.get(f"{CLUES}/{stall}").get_json()["code"]

    assert found(dispatcher, "烧烤") == {stall}
    assert found(dispatcher, "xinhua") == {stall}  # case-insensitive
    assert found(dispatcher, "ＸＩＮＨＵＡ") == {stall}  # full-width letters as typed
    assert stall in found(dispatcher, "占道经营")  # the matter's name
    assert found(dispatcher, code.lower()) == {stall}
    # Each word must appear, wherever it is: the address's and the description's.
    assert found(dispatcher, "  xinhua   烧烤 ") == {stall}
    assert found(dispatcher, "xinhua 秸秆") == set()
    assert quiet in found(dispatcher, "秸秆") and stall not in found(dispatcher, "秸秆")


def test_percent_and_underscore_in_a_search_are_themselves_not_wildcards(world, login):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    share = report(grid, description="超出面积 50% 以上")
    money = report(grid, description="货值 5000 元")
    code = report(grid, description="门牌 A_7")
    other = report(grid, description="门牌 AB7")

    assert found(dispatcher, "0%") == {share}
    assert money not in found(dispatcher, "0%")
    assert found(dispatcher, "a_7") == {code}
    assert other not in found(dispatcher, "A_7")


def test_a_search_never_finds_a_clue_of_a_township_the_caller_cannot_list(world, login):
    mine = report(login("grid_a"), description="废旧轮胎焚烧")
    foreign = report(login("grid_b"), description="废旧轮胎焚烧")
    assert found(login("dispatcher_a"), "轮胎") == {mine}
    assert found(login("dispatcher_b"), "轮胎") == {foreign}
    assert found(login("dispatcher_county"), "轮胎") == {mine, foreign}
    # Nor by its code: what it cannot list, it cannot find.
    code = login("dispatcher_b").get(f"{CLUES}/{foreign}").get_json()["code"]
    assert found(login("dispatcher_a"), code) == set()
    assert found(login("department"), "轮胎") == set()


def test_only_staff_find_a_clue_by_its_reporters_name(world, login):
    clue = report(login("grid_a"), description="河道倾倒垃圾")
    assert clue in found(login("dispatcher_a"), "grid_a")
    assert found(login("dispatcher_b"), "grid_a") == set()
    # Another grid worker of the grid lists the clue but does not search people by name.
    assert clue in found(login("grid2_a"), "河道")
    assert found(login("grid2_a"), "grid_a") == set()


def test_a_search_over_100_characters_is_a_422_naming_q(world, login):
    dispatcher = login("dispatcher_a")
    r = dispatcher.get(CLUES, query_string={"q": "焚" * 101})
    assert r.status_code == 422
    assert "q" in r.get_json()["fields"]
    assert dispatcher.get(CLUES, query_string={"q": "焚" * 100}).status_code == 200
    # Only spaces: no word, the whole list.
    everything = dispatcher.get(CLUES).get_json()
    assert dispatcher.get(CLUES, query_string={"q": "   "}).get_json() == everything
    r = dispatcher.get(CLUES, query_string={"q": "焚\x00"})
    assert r.status_code == 422 and "q" in r.get_json()["fields"]
