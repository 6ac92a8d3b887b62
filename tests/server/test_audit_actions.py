"""Every action the server can write to the audit log has a label people read (zh-CN and en),
and the desk's timeline hands it out: the console never shows ``document.offline_copy``.

The actions are read from the server's own code, not from a second list kept by hand: each
``audit.record(...)``, ``audit.Entry(...)`` and sync ``Note(...)`` under ``server/`` and
``sync/``, its first argument a literal, a choice of literals, a module constant, or one of
the two names built at run time (``sync.<op>``, ``evidence.view_<variant>``), expanded from
the values the code builds them from. A new kind of argument fails here until it is read."""

from __future__ import annotations

import ast
from pathlib import Path

from server.audit import chain as audit
from server.audit.actions import ACTIONS
from server.core.db import db
from server.evidence.api import VIEWS_AUDITED
from sync.types import Op

ROOT = Path(__file__).resolve().parents[2]
# Names built at run time: each f-string's shape, and every value it can take.
BUILT = {
    "sync.{}": {f"sync.{op.value}" for op in Op},
    "evidence.view_{}": {f"evidence.view_{v}" for v in VIEWS_AUDITED},
}
# Arguments that pass on an action named elsewhere (read there): the chain's own ``record``
# and the push storing the engine's notes.
PASSED_ON = {("server/audit/chain.py", "action"), ("server/sync_api/store.py", "n.action")}


def _writes(call: ast.Call) -> bool:
    f = call.func
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "audit":
        return f.attr in ("record", "Entry")
    return isinstance(f, ast.Name) and f.id in ("Entry", "Note")


def _constants(tree: ast.Module) -> dict[str, str]:
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    out[target.id] = node.value.value
    return out


def _actions(arg: ast.expr, where: str, constants: dict[str, str]) -> set[str]:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return {arg.value}
    if isinstance(arg, ast.IfExp):
        return _actions(arg.body, where, constants) | _actions(arg.orelse, where, constants)
    if isinstance(arg, ast.Name) and arg.id in constants:
        return {constants[arg.id]}
    if isinstance(arg, ast.JoinedStr):
        shape = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in arg.values)
        assert shape in BUILT, f"{where}: the action {shape} is built at run time; expand it"
        return BUILT[shape]
    source = ast.unparse(arg)
    assert (where, source) in PASSED_ON, f"{where}: cannot read the action {source}"
    return set()


def written_actions() -> dict[str, str]:
    """Every action the code can write, and where (file:line)."""
    found: dict[str, str] = {}
    for folder in ("server", "sync"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            where = str(path.relative_to(ROOT))
            constants = _constants(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and _writes(node):
                    assert node.args, f"{where}:{node.lineno}: name the action first"
                    for action in _actions(node.args[0], where, constants):
                        found.setdefault(action, f"{where}:{node.lineno}")
    return found


def test_every_action_the_server_writes_has_a_label_in_both_languages():
    written = written_actions()
    # The reading found the known ones (it is not silently finding nothing).
    assert {"document.offline_copy", "audit.seal", "sync.transition", "evidence.view_print"} <= set(
        written
    )
    missing = {a: where for a, where in written.items() if a not in ACTIONS}
    assert missing == {}, f"actions with no label in server/audit/actions.py: {missing}"
    for action, text in ACTIONS.items():
        assert set(text) == {"zh-CN", "en"} and all(v.strip() for v in text.values()), action


def test_no_label_is_left_for_an_action_nothing_writes():
    assert set(ACTIONS) - set(written_actions()) == set()


def test_the_timeline_names_an_offline_copy_in_words(app, world, login):
    clue_id = world.clues["clue_a"]
    with app.app_context():
        audit.record("document.offline_copy", "clue", clue_id, {"kind": "correction_order"})
        db.session.commit()
    r = login("officer_a").get(f"/api/v1/clues/{clue_id}/timeline")
    assert r.status_code == 200, r.get_json()
    [entry] = [e for e in r.get_json()["entries"] if e["action"] == "document.offline_copy"]
    assert entry["label"] == {
        "zh-CN": "离线出具文书（已交付当事人）",
        "en": "Document made offline (handed to the party)",
    }
