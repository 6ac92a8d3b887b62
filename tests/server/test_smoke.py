def test_world_users_log_in_and_see_their_own_township_clue_only(login, world):
    a = login("officer_a")
    r = a.get("/api/v1/clues")
    assert r.status_code == 200
    assert [c["id"] for c in r.get_json()] == [str(world.clues["clue_a"])]
    assert a.get(f"/api/v1/clues/{world.clues['clue_b']}").status_code == 404
