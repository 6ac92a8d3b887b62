"""The clue (线索): what a grid worker or officer reports, and the command room's loop over it
(受理、交办、处置、办结), or its transfer to a department (移送)."""

from __future__ import annotations

from typing import Any

from sync.place import SOURCES
from sync.workflow.vocabulary import (
    ADDRESSEE,
    COUNTY_COMMAND,
    SAME,
    SUPERVISORS,
    choice,
    choice_labels,
    label,
    transfer_dispute,
)

DISSUASION_RESULTS = ["stopped", "refused", "nobody_present"]
# Which results go with which answer (sync.values: the other answer's result contradicts it).
# Dissuaded on the spot (已现场劝阻): what came of it. Not dissuaded (未劝阻): why not, if
# said: nobody was there to dissuade (现场无人). "Dissuaded, nobody present" says both.
DISSUASION_RESULTS_WHEN = {"done": ["stopped", "refused"], "not_done": ["nobody_present"]}
HANDLING_OUTCOMES = ["corrected_on_spot", "case_opened", "no_violation", "transfer_needed"]

CLUE_STATUSES = {
    "reported": label("已上报", "Reported"),
    "accepted": label("已受理", "Accepted"),
    "rejected": label("不予受理", "Rejected"),
    "duplicate": label("重复线索", "Duplicate"),
    "assigned": label("已交办", "Assigned"),
    "in_progress": label("处置中", "In progress"),
    "handled": label("已处置", "Handled"),
    "closed": label("已办结", "Closed"),
    "withdrawn": label("已撤回", "Withdrawn"),
    "transferred": label("已移送部门", "Transferred"),
    # The department's side of a transfer (seeds 001, 004): it accepts and opens its own
    # case, or sends the matter back and the county command centre arbitrates (争议协调);
    # its result closes the township's loop and is what the reporter is told.
    "transfer_accepted": label("部门已受理", "Accepted by the department"),
    "transfer_disputed": label("部门退回待协调", "Sent back, awaiting arbitration"),
    "transfer_concluded": label("部门已办结", "Concluded by the department"),
}

# Where a transferred clue can stand: with the department, in dispute, or finished there.
CLUE_TRANSFERRED = ["transferred", "transfer_accepted", "transfer_disputed", "transfer_concluded"]

# Statuses after which a clue is finished; children appended then are flagged late (R3).
CLUE_CLOSED = ["rejected", "duplicate", "closed", "withdrawn", *CLUE_TRANSFERRED]
# A withdrawn clue is a tombstone on every device (R10).
CLUE_TOMBSTONE = ["withdrawn"]

_REPORTED_FACT = [{"who": ["reporter"], "in": ["reported"]}]
# Statuses in which the command room still works on a clue.
_OPEN = ["reported", "accepted", "assigned", "in_progress", "handled"]

CLUE: dict[str, Any] = {
    "label": label("线索", "Clue"),
    # The county's command centre dispatches a matter to a township (派单) by reporting it
    # there; it takes none of the township's own steps on it (sync.rules.TOWNSHIP_ROLES).
    "create": {
        "who": ["grid_worker", "officer", "dispatcher", COUNTY_COMMAND],
        "status": "reported",
    },
    # The field naming the department a clue is addressed to (the ``addressee`` relation).
    "addressed": "transferred_to",
    # A report needs coordinates or an address at least this long (sync.place).
    "place": {"address_min_length": 4},
    "statuses": CLUE_STATUSES,
    "closed": CLUE_CLOSED,
    "tombstone": CLUE_TOMBSTONE,
    # Clocks: a field holding a due time, the statuses in which it runs, and how many
    # days before it the console warns; past it the record is overdue (the console's
    # overdue list, the dashboard's 在办超期).
    "clocks": {"deadline": {"running": ["assigned", "in_progress"], "warn_days": [1]}},
    "fields": {
        "matter_code": {
            "type": "matter",
            "required": True,
            # The command room may reclassify until the clue is assigned.
            "edit": [*_REPORTED_FACT, {"who": SUPERVISORS, "in": ["reported", "accepted"]}],
        },
        # Where it happened decides whose jurisdiction the clue is in, on every device:
        # it is fixed at report. A wrong place is withdrawn and reported again (R10). What
        # else moves a clue between views is a view field (sync.views: transferred_to).
        "unit_code": {"type": "unit", "required": False, "edit": []},
        # Coordinates, or failing them a written address (sync.place): a village with no
        # fix and no base map must still report. The command room may set the place of an
        # address-only report at the desk, picking it on the map (who did is the field's
        # stamp and the audit log's).
        "location": {
            "type": "location",
            "required": False,
            "edit": [*_REPORTED_FACT, {"who": SUPERVISORS, "in": _OPEN}],
        },
        # gps / map / address: how the place was known (无定位 when not by GPS); the device
        # says gps or map, the rules decide address (sync.place).
        "location_source": choice(SOURCES, required=False, edit=[]),
        "address": {
            "type": "text",
            "max_length": 300,
            "required": False,
            "edit": _REPORTED_FACT,
        },
        "description": {
            "type": "text",
            "max_length": 4000,
            "required": False,
            "edit": _REPORTED_FACT,
        },
        # The reporter agrees that the officer handling it may ring him (his account's
        # number): without it the number never leaves the server.
        "call_back": {"type": "bool", "required": False, "edit": _REPORTED_FACT},
        "dissuasion": {
            "type": "dissuasion",
            "choices": DISSUASION_RESULTS,
            "labels": choice_labels(DISSUASION_RESULTS),
            "results_when": DISSUASION_RESULTS_WHEN,
            "required": True,
            "edit": _REPORTED_FACT,
        },
    },
    # Set by the server or by transitions; never edited directly.
    "read_only": [
        "status",
        "code",
        "reporter_id",
        "reject_reason",
        "duplicate_of",
        "assignee_id",
        "deadline",
        "taken_by",
        "taken_at",
        "responded_at",
        "handled_at",
        "closed_at",
        "handling_outcome",
        "handling_note",
        "feedback",
        "rating",
        "rating_comment",
        "transferred_to",
        "transfer_note",
        "department_case_no",
        "transfer_accepted_at",
        "transfer_returned_reason",
        "arbitration_note",
        "department_result",
        "transfer_concluded_at",
        "return_comment",
        "withdraw_reason",
    ],
    "transitions": {
        "withdraw": {
            "label": label("撤回", "Withdraw"),
            "from": ["reported"],
            "to": "withdrawn",
            "who": ["reporter"],
            # Final: the clue leaves every device (R10); the command room keeps why. The
            # reason is asked, not required: a withdrawal queued by an older app has none.
            "final": True,
            "args": {"reason": {"type": "text", "max_length": 500, "required": False}},
            "sets": {"withdraw_reason": "reason"},
        },
        "accept": {
            "label": label("受理", "Accept"),
            "from": ["reported"],
            "to": "accepted",
            "who": SUPERVISORS,
            "args": {},
            "sets": {"responded_at": "$first_now"},
        },
        "reject": {
            "label": label("不予受理", "Reject"),
            "from": ["reported"],
            "to": "rejected",
            "who": SUPERVISORS,
            "args": {"reason": {"type": "text", "max_length": 1000, "required": True}},
            "sets": {"reject_reason": "reason", "responded_at": "$first_now"},
        },
        "mark_duplicate": {
            "label": label("标记重复", "Mark duplicate"),
            "from": ["reported", "accepted"],
            "to": "duplicate",
            "who": SUPERVISORS,
            "args": {"duplicate_of": {"type": "record", "record_type": "clue", "required": True}},
            "sets": {"duplicate_of": "duplicate_of", "responded_at": "$first_now"},
        },
        # 移送: a matter the township holds no power for goes, in the township's name, to
        # the department the catalogue names, with its evidence (sync.cases.transfer).
        "transfer": {
            "label": label("移送部门", "Transfer"),
            "from": ["reported", "accepted"],
            "to": "transferred",
            # The county's command centre sends a matter to the department that holds it
            # (seeds 004: 报送指挥中心派遣相关单位).
            "who": [*SUPERVISORS, COUNTY_COMMAND],
            "args": {"note": {"type": "text", "max_length": 2000, "required": False}},
            "sets": {"transfer_note": "note", "responded_at": "$first_now"},
            "check": "transfer",
        },
        # 撤回移送: a transfer made by mistake (or that the department sends back) is taken
        # back; the clue leaves the department's devices with its notes and photos (R11,
        # sync.views) and the township handles it again.
        "recall_transfer": {
            "label": label("撤回移送", "Recall transfer"),
            "from": ["transferred", "transfer_disputed"],
            "to": "accepted",
            "who": SUPERVISORS,
            "args": {"reason": {"type": "text", "max_length": 1000, "required": True}},
            "sets": {"transferred_to": "$null", "return_comment": "reason"},
        },
        # The department's answer to a transfer: it accepts and names the case it opened
        # (立案号), or sends the matter back with its reason (the county arbitrates).
        "accept_transfer": {
            "label": label("接收移送", "Accept the transfer"),
            "from": ["transferred"],
            "to": "transfer_accepted",
            "who": [ADDRESSEE],
            "args": {"case_no": {"type": "text", "max_length": 64, "required": True}},
            "sets": {"department_case_no": "case_no", "transfer_accepted_at": "$now"},
        },
        # 退回 and 争议协调 (the clue leaves the department's devices when the county gives it
        # to the township, R11).
        **transfer_dispute("transferred", "accepted", {"transferred_to": "$null"}),
        # What the department did: it closes the township's loop and is what the reporter
        # reads as his feedback.
        "conclude_transfer": {
            "label": label("反馈办理结果", "Report the result"),
            "from": ["transfer_accepted"],
            "to": "transfer_concluded",
            "who": [ADDRESSEE],
            "args": {"result": {"type": "text", "max_length": 4000, "required": True}},
            "sets": {
                "department_result": "result",
                "feedback": "result",
                "transfer_concluded_at": "$now",
            },
        },
        "assign": {
            "label": label("交办", "Assign"),
            "from": ["accepted", "assigned"],
            "to": "assigned",
            "who": SUPERVISORS,
            "args": {
                # None: the township's team; any of its officers may take it.
                "assignee_id": {"type": "officer", "required": False},
                # A time to come (sync.cases.assign): a task is never born overdue.
                "deadline": {"type": "datetime", "required": True, "future": True},
            },
            "sets": {"assignee_id": "assignee_id", "deadline": "deadline"},
            "check": "assign",
        },
        "take": {
            "label": label("接单", "Take"),
            "from": ["assigned"],
            "to": "in_progress",
            "who": ["assignee"],
            "args": {},
            "sets": {"taken_by": "$actor", "taken_at": "$now"},
        },
        "handle": {
            "label": label("处置反馈", "Record handling"),
            "from": ["in_progress"],
            "to": "handled",
            "who": ["taker"],
            "args": {
                "outcome": choice(HANDLING_OUTCOMES),
                "note": {"type": "text", "max_length": 4000, "required": False},
            },
            "sets": {
                "handling_outcome": "outcome",
                "handling_note": "note",
                "handled_at": "$now",
            },
        },
        "close": {
            "label": label("办结", "Close"),
            "from": ["handled"],
            "to": "closed",
            "who": SUPERVISORS,
            "args": {"feedback": {"type": "text", "max_length": 2000, "required": True}},
            "sets": {"feedback": "feedback", "closed_at": "$now"},
        },
        # The command room sends a report back with what is missing; the officer who
        # took it carries on (it stays his) and reports again.
        "return": {
            "label": label("退回补充", "Return"),
            "from": ["handled"],
            "to": "in_progress",
            "who": SUPERVISORS,
            "args": {"comment": {"type": "text", "max_length": 2000, "required": True}},
            "sets": {"return_comment": "comment", "handled_at": "$null"},
        },
        "rate": {
            "label": label("评价", "Rate"),
            # A transfer the department concluded is rated like a clue the township closed.
            "from": ["closed", "transfer_concluded"],
            "to": SAME,
            "who": ["reporter"],
            "args": {
                "rating": {"type": "int", "min": 1, "max": 5, "required": True},
                "comment": {"type": "text", "max_length": 1000, "required": False},
            },
            "sets": {"rating": "rating", "rating_comment": "comment"},
            "once": "rating",  # a second rating is rejected: already_rated
        },
    },
}
