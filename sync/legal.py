"""The rules of the Administrative Penalty Law (中华人民共和国行政处罚法, 2021 revision, in
force 2021-07-15) that software can check for a township case (DESIGN §1, §3): the clocks, the
limits, who must be on a record, which steps must come first, and the code every act carries.

Pure and standard library only: dates, amounts and facts in; a date, a reason code or a list of
codes out. Money is in fen (integer), never float. Each rule cites its article and quotes the
law's key phrase beside it, so a reviewer can hold one against the other.

How periods are counted, decided once here for the whole module:

- Art. 85 (本法中"二日""三日""五日""七日"的规定是指工作日，不含法定节假日): the law's 5- and
  7-day periods (arts. 56, 61, 64) are working days, counted on a ``WorkCalendar``; its longer
  periods (15 days, art. 67; 90 days, art. 60) are calendar days.
- The law has no counting rule of its own, so the general one applies: the day of the event is
  not counted (民法典 第二百零一条 开始的当日不计入，自下一日开始计算). "Within n days of d"
  ends on d + n, or on the n-th working day after d.
- Years end on the same date; from 29 February, on the 28th (第二百零二条 没有对应日的，月末日
  为期间的最后一日).
- A party's calendar-day period whose last day is a rest day ends on the next working day
  (第二百零三条). The agency's own periods are never extended: the console must not show it a
  deadline later than the law allows.
"""

from __future__ import annotations

import calendar as calendar_module
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

ONE_DAY = dt.timedelta(days=1)
WEEKEND = (5, 6)  # Saturday, Sunday

# -- Working days ------------------------------------------------------------------------------


class CalendarGap(LookupError):
    """A count reached a year whose official calendar is not loaded. No answer is better than
    one that counts the Spring Festival as working days."""


@dataclass(frozen=True)
class WorkCalendar:
    """China's official working calendar. The State Council moves days every year: public
    holidays fall on weekdays (``holidays``) and make-up working days (调休) on weekends
    (``workdays``). ``years`` are those the data covers; asking about another year raises
    ``CalendarGap``, and a calendar with no years covers none. ``years=None`` covers every
    year (small calendars in tests)."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    years: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if both := self.holidays & self.workdays:
            raise ValueError(f"both a holiday and a working day: {min(both)}")
        if self.years is not None and (
            outside := {d for d in self.holidays | self.workdays if d.year not in self.years}
        ):
            raise ValueError(f"{min(outside)} is outside the years {sorted(self.years)}")

    def is_working_day(self, day: dt.date) -> bool:
        if self.years is not None and day.year not in self.years:
            raise CalendarGap(f"no official calendar loaded for {day.year}")
        if day in self.workdays:
            return True
        return day.weekday() not in WEEKEND and day not in self.holidays

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start``; ``start`` itself is not counted."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        while n:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after ``a`` up to and including ``b`` (negative when ``b`` is earlier),
        so that ``working_days_between(d, add_working_days(d, n)) == n``."""
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_working_day(a + ONE_DAY * i) for i in range(1, (b - a).days + 1))

    def covers(self, first: dt.date, last: dt.date) -> bool:
        """Whether every year from ``first`` to ``last`` has its official calendar."""
        return self.years is None or all(y in self.years for y in range(first.year, last.year + 1))

    def or_weekends(self) -> WorkCalendar:
        """This calendar, with the years it has no notice for counted on weekends alone.
        Only for the team's own deadlines (``team_deadline``): a period the party has is
        never counted on a guess."""
        return WorkCalendar(self.holidays, self.workdays, None)

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first one after it."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    @classmethod
    def of_years(cls, years: Mapping[int, Mapping[str, Iterable[str]]]) -> WorkCalendar:
        """One calendar from each year's notice, ``{2026: {"holidays": ["2026-10-01", ...],
        "workdays": [...]}}``, covering exactly those years."""

        def dates(key: str) -> frozenset[dt.date]:
            return frozenset(
                dt.date.fromisoformat(text) for notice in years.values() for text in notice[key]
            )

        return cls(dates("holidays"), dates("workdays"), frozenset(years))

    def notice(self, year: int) -> dict[str, list[str]]:
        """The days one year moves, as ``of_years`` reads them."""
        return {
            key: [d.isoformat() for d in sorted(days) if d.year == year]
            for key, days in (("holidays", self.holidays), ("workdays", self.workdays))
        }


def _span(first: str, last: str) -> set[dt.date]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return {start + ONE_DAY * i for i in range((end - start).days + 1)}


# 国务院办公厅关于2026年部分节假日安排的通知 (4 November 2025, published by Xinhua): the days
# off (放假调休) and the weekend days worked (上班), as the notice lists them.
CALENDAR_2026 = WorkCalendar(
    holidays=frozenset().union(
        _span("2026-01-01", "2026-01-03"),  # 元旦
        _span("2026-02-15", "2026-02-23"),  # 春节
        _span("2026-04-04", "2026-04-06"),  # 清明节
        _span("2026-05-01", "2026-05-05"),  # 劳动节
        _span("2026-06-19", "2026-06-21"),  # 端午节
        _span("2026-09-25", "2026-09-27"),  # 中秋节
        _span("2026-10-01", "2026-10-07"),  # 国庆节
    ),
    workdays=frozenset(
        dt.date.fromisoformat(d)
        for d in (
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        )
    ),
    years=frozenset({2026}),
)

# -- Collaboration with county departments (seeds, not the law) --------------------------------

# Seeds 004: 相关业务主管部门应当自收到协同指挥平台交办的执法协作申请后5个工作日内反馈，
# 情况复杂的可延长5个工作日. A provincial rule for empowered townships, kept with the clocks.
COLLABORATION_WORKING_DAYS = 5
COLLABORATION_EXTENSION_WORKING_DAYS = 5
COLLABORATION_MAX_EXTENSIONS = 1


def collaboration_due(received: dt.date, calendar: WorkCalendar, extended: bool = False) -> dt.date:
    """When a department must answer a collaboration request (执法协作申请) received on
    ``received``: 5 working days, 10 once extended."""
    days = COLLABORATION_WORKING_DAYS + (COLLABORATION_EXTENSION_WORKING_DAYS if extended else 0)
    return calendar.add_working_days(received, days)


def collaboration_extension_refusal(extensions_so_far: int) -> str | None:
    """The period may be extended once (可延长5个工作日); a second extension is refused."""
    return (
        "collaboration_already_extended"
        if extensions_so_far >= COLLABORATION_MAX_EXTENSIONS
        else None
    )


# -- The case clocks ---------------------------------------------------------------------------

# Art. 60: 行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定。法律、法规、规章另有
# 规定的，从其规定. Calendar days.
DECISION_DAYS = 90
# Art. 56: 经行政机关负责人批准，可以先行登记保存，并应当在七日内及时作出处理决定.
# Art. 85: working days.
PRESERVATION_WORKING_DAYS = 7
# Art. 61: 当事人不在场的，行政机关应当在七日内…将行政处罚决定书送达当事人.
# Art. 85: working days.
SERVICE_WORKING_DAYS = 7
# Art. 64(1): 当事人要求听证的，应当在行政机关告知后五日内提出. Art. 85: working days.
HEARING_REQUEST_WORKING_DAYS = 5
# Art. 64(2): 行政机关应当在举行听证的七日前，通知当事人及有关人员听证的时间、地点. Working days.
HEARING_NOTICE_WORKING_DAYS = 7
# Art. 67: 当事人应当自收到行政处罚决定书之日起十五日内…缴纳罚款. Calendar days.
PAYMENT_DAYS = 15
# Art. 72(1): 到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额.
SURCHARGE_PERCENT_PER_DAY = 3
# When the console warns about a deadline: days left (its choice, not the law's).
WARN_AT_DAYS = (30, 15, 7, 3)


def decision_due(
    opened: dt.date, period_days: int = DECISION_DAYS, excluded_days: int = 0
) -> dt.date:
    """行政处罚法 第六十条 (art. 60): the last day to decide a case opened (立案) on ``opened``,
    in calendar days. Another law, regulation or rule may set another period (``period_days``)
    or leave time out of it, such as hearings or appraisals (``excluded_days``)."""
    if period_days < 1 or excluded_days < 0:
        raise ValueError("the period must be positive and the excluded days not negative")
    return opened + dt.timedelta(days=period_days + excluded_days)


@dataclass(frozen=True)
class DeadlineWarning:
    """What the console shows: ``due_soon`` within ``band`` days (one of ``WARN_AT_DAYS``) or
    ``overdue``; ``days_left`` is negative once overdue."""

    level: str
    days_left: int
    band: int | None


def deadline_warning(
    due: dt.date, today: dt.date, warn_at: Sequence[int] = WARN_AT_DAYS
) -> DeadlineWarning | None:
    """The warning for a deadline on ``due`` (the last allowed day), or None while it is far."""
    days_left = (due - today).days
    if days_left < 0:
        return DeadlineWarning("overdue", days_left, None)
    bands = [b for b in warn_at if days_left <= b]
    return DeadlineWarning("due_soon", days_left, min(bands)) if bands else None


def team_deadline(
    count: Callable[[dt.date, WorkCalendar], dt.date], start: dt.date, calendar: WorkCalendar
) -> tuple[dt.date, bool]:
    """A deadline the team keeps (serve within 7 working days, decide on preserved evidence,
    a department's answer), counted from ``start``: on the official calendar where it covers
    the period, else on weekends alone, and then said to be an estimate (the second value).
    Stopping the team's work across the New Year until next year's notice is loaded would
    cost more than a deadline off by a holiday, which the case shows as estimated. The
    party's periods (hearing request, statement, payment) are never estimated: they refuse
    (``CalendarGap``) until the notice is loaded."""
    due = count(start, calendar.or_weekends())
    return due, not calendar.covers(start, due)


def preservation_decision_due(preserved_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """行政处罚法 第五十六条 (art. 56): evidence kept under 先行登记保存 needs its decision
    (处理决定) within 7 working days (art. 85); after that it must be released."""
    return calendar.add_working_days(preserved_on, PRESERVATION_WORKING_DAYS)


def service_due(decided_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """行政处罚法 第六十一条 (art. 61): a decision not handed over on the spot is served (送达)
    within 7 working days (art. 85)."""
    return calendar.add_working_days(decided_on, SERVICE_WORKING_DAYS)


def hearing_request_due(informed_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """行政处罚法 第六十四条 (art. 64(1)): the last day the party, told of the right on
    ``informed_on``, may ask for a hearing: 5 working days (art. 85)."""
    return calendar.add_working_days(informed_on, HEARING_REQUEST_WORKING_DAYS)


def hearing_request_refusal(
    informed_on: dt.date, requested_on: dt.date, calendar: WorkCalendar
) -> str | None:
    """Art. 64(1): a request after the 5 working days is late."""
    late = requested_on > hearing_request_due(informed_on, calendar)
    return "hearing_request_late" if late else None


def earliest_hearing_date(notified_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """行政处罚法 第六十四条 (art. 64(2)): the first day a hearing may be held when the party
    was notified of its time and place on ``notified_on``.

    "七日前" is read strictly: 7 whole working days lie between the notice and the hearing,
    neither day counted. The looser reading (hearing on the 7th working day) would allow a day
    earlier; the agency loses nothing by waiting one more day, a party can lose a hearing."""
    return calendar.add_working_days(notified_on, HEARING_NOTICE_WORKING_DAYS) + ONE_DAY


def hearing_date_refusal(
    notified_on: dt.date, hearing_on: dt.date, calendar: WorkCalendar
) -> str | None:
    """Art. 64(2): a hearing set too soon after its notice is refused."""
    early = hearing_on < earliest_hearing_date(notified_on, calendar)
    return "hearing_notice_too_short" if early else None


def decision_date_refusal(
    informed_on: dt.date, decision_on: dt.date, calendar: WorkCalendar, hearing_qualifies: bool
) -> str | None:
    """Art. 63, 64(1): when the penalty qualifies for a hearing, deciding before the party's
    5 working days to ask for one have run out takes the right away."""
    early = hearing_qualifies and decision_on <= hearing_request_due(informed_on, calendar)
    return "hearing_request_period_open" if early else None


def payment_due(received_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """行政处罚法 第六十七条 (art. 67): the last day to pay a fine whose decision the party
    received on ``received_on``: 15 calendar days, moved to the next working day when it falls
    on a rest day (民法典 第二百零三条), since it is the party's period. A decision that grants
    deferral or instalments (art. 66) sets its own dates."""
    return calendar.next_working_day(received_on + dt.timedelta(days=PAYMENT_DAYS))


# -- An unpaid fine (arts. 66, 68–73; 行政强制法 arts. 53, 54, 69) ------------------------------

# Art. 68: 依照本法第五十一条的规定当场作出行政处罚决定，有下列情形之一，执法人员可以当场收缴罚款：
# （一）依法给予一百元以下罚款的；（二）不当场收缴事后难以执行的. Art. 69: 在边远、水上、交通不便
# 地区…当事人到指定的银行或者通过电子支付系统缴纳罚款确有困难，经当事人提出…可以当场收缴罚款
# (after a decision of either procedure).
ON_SPOT_COLLECTION_LIMIT_FEN = 100_00
ON_SPOT_GROUNDS = ("under_100", "hard_to_enforce", "remote_area")
# Art. 71: 执法人员当场收缴的罚款，应当自收缴罚款之日起二日内，交至行政机关 (working days, art. 85).
HAND_IN_WORKING_DAYS = 2
# 行政强制法 第五十四条: 催告书送达十日后当事人仍未履行义务的…申请强制执行; 第六十九条: 本法中
# 十日以内期限的规定是指工作日，不含法定节假日.
DEMAND_WORKING_DAYS = 10
# The party's time to seek review or sue, after which the court is asked (行政强制法 第五十三条):
# the longer of 行政复议法 第二十条's 60 days and 行政诉讼法 第四十六条's six months from knowing
# of the decision, i.e. from its service; then three months to apply.
REMEDY_MONTHS = 6
ENFORCEMENT_APPLICATION_MONTHS = 3


def on_spot_collection_refusal(
    ground: str | None, procedure: str, amount_fen: int, party_asked: bool
) -> str | None:
    """Why a fine may not be collected on the spot (arts. 68, 69), or None."""
    if ground not in ON_SPOT_GROUNDS:
        return "on_spot_ground_required"
    if ground == "remote_area":
        return None if party_asked else "on_spot_not_asked"
    if procedure != "summary":
        return "on_spot_summary_only"
    if ground == "under_100" and amount_fen > ON_SPOT_COLLECTION_LIMIT_FEN:
        return "on_spot_over_100"
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    """民法典 第二百零二条: 按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日
    的，为月末日."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar_module.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def remedies_end_on(served_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """The last day a party served on ``served_on`` may sue (行政诉讼法 第四十六条: six months,
    longer than 行政复议法's 60 days), moved to the next working day when it is a rest day
    (民事诉讼法 第八十五条). Raises ``CalendarGap`` for a year with no calendar."""
    return calendar.next_working_day(add_months(served_on, REMEDY_MONTHS))


def enforcement_window(
    served_on: dt.date, demand_served_on: dt.date, calendar: WorkCalendar
) -> tuple[dt.date, dt.date]:
    """行政强制法 第五十三条、第五十四条: the first and last day the people's court may be asked
    to enforce a decision served on ``served_on`` whose demand (催告书) was served on
    ``demand_served_on``: after the party's time to seek review or sue has run out and ten
    working days after the demand, and within three months of that time's end. A period of
    months whose last day is a rest day ends on the next working day (民事诉讼法 第八十五条:
    期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期, which 行政诉讼法
    第一百零一条 applies to the time to sue): a decision served on 6 March 2026 can be sued
    until Monday 7 September, not Sunday the 6th, so the court is asked from the 8th, until
    Monday 7 December. Raises ``CalendarGap`` when either end falls in a year with no
    calendar."""
    remedies_end = remedies_end_on(served_on, calendar)
    after_demand = calendar.add_working_days(demand_served_on, DEMAND_WORKING_DAYS)
    first = max(remedies_end, after_demand) + ONE_DAY
    last = calendar.next_working_day(add_months(remedies_end, ENFORCEMENT_APPLICATION_MONTHS))
    return first, last


def days_late(due: dt.date, paid_on: dt.date) -> int:
    """Whole days after the last day to pay; 0 when paid in time."""
    return max(0, (paid_on - due).days)


def late_surcharge(fine_fen: int, days_late: int) -> int:
    """行政处罚法 第七十二条 (art. 72(1)): the late-payment surcharge (加处罚款), 3% of the fine
    a day, never more than the fine. In fen, rounded down: the party never pays a part of a fen
    the law did not ask for."""
    if fine_fen < 0 or days_late < 0:
        raise ValueError("the fine and the days late must not be negative")
    return min(fine_fen, fine_fen * SURCHARGE_PERCENT_PER_DAY * days_late // 100)


# -- Penalties and parties ---------------------------------------------------------------------

PARTY_KINDS = ("person", "organisation")  # 公民 / 法人或者其他组织
# Art. 9, the kinds of penalty, in the law's order.
PENALTY_KINDS = (
    "warning",  # 警告
    "public_criticism",  # 通报批评
    "fine",  # 罚款
    "confiscate_gains",  # 没收违法所得
    "confiscate_property",  # 没收非法财物
    "suspend_licence",  # 暂扣许可证件
    "lower_qualification",  # 降低资质等级
    "revoke_licence",  # 吊销许可证件
    "limit_business",  # 限制开展生产经营活动
    "suspend_business",  # 责令停产停业
    "order_closure",  # 责令关闭
    "limit_practice",  # 限制从业
    "detention",  # 行政拘留
    "other",  # 法律、行政法规规定的其他行政处罚
)
CONFISCATIONS = ("confiscate_gains", "confiscate_property")


def _check_party(party_kind: str) -> None:
    if party_kind not in PARTY_KINDS:
        raise ValueError(f"party_kind must be one of {PARTY_KINDS}")


def _amount(penalty: Mapping[str, Any]) -> int:
    if penalty.get("kind") not in PENALTY_KINDS:
        raise ValueError(f"unknown penalty kind {penalty.get('kind')!r}")
    amount = penalty.get("amount_fen", 0)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError("amount_fen must be a whole number of fen, not negative")
    return amount


# Art. 51: 违法事实确凿并有法定依据，对公民处以二百元以下、对法人或者其他组织处以三千元以下罚款
# 或者警告的行政处罚的，可以当场作出行政处罚决定。法律另有规定的，从其规定.
# "以下" includes the amount.
SUMMARY_FINE_LIMIT_FEN = {"person": 200_00, "organisation": 3_000_00}


def summary_procedure_refusal(
    party_kind: str,
    penalty: Mapping[str, Any],
    facts_conclusive: bool,
    legal_basis: bool = True,
) -> str | None:
    """行政处罚法 第五十一条 (art. 51): why this penalty may not be decided on the spot
    (简易程序), or None when it may."""
    _check_party(party_kind)
    amount = _amount(penalty)
    if not facts_conclusive:
        return "summary_facts_not_conclusive"
    if not legal_basis:
        return "summary_no_legal_basis"
    if penalty["kind"] not in ("warning", "fine"):
        return "summary_penalty_not_allowed"
    if penalty["kind"] == "fine" and amount > SUMMARY_FINE_LIMIT_FEN[party_kind]:
        return "summary_fine_over_limit"
    return None


# Art. 33: 违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。初次违法且危害后果轻微并及时
# 改正的，可以不予行政处罚。当事人有证据足以证明没有主观过错的，不予行政处罚。法律、行政法规另有
# 规定的，从其规定.
CONSEQUENCES = ("none", "slight", "harmful")


def no_penalty_ground(
    *,
    minor: bool,
    corrected_in_time: bool,
    consequence: str,
    first_violation: bool,
    no_fault_proven: bool = False,
) -> str | None:
    """行政处罚法 第三十三条 (art. 33): ``must_not_penalise`` (不予行政处罚: no penalty at all,
    not even a warning), ``may_not_penalise`` (可以不予, the leader decides) or None. Either
    way the agency must educate the party (应当对当事人进行教育)."""
    if consequence not in CONSEQUENCES:
        raise ValueError(f"consequence must be one of {CONSEQUENCES}")
    if no_fault_proven or (minor and corrected_in_time and consequence == "none"):
        return "must_not_penalise"
    if first_violation and corrected_in_time and consequence in ("none", "slight"):
        return "may_not_penalise"
    return None


# -- Officers on a record ----------------------------------------------------------------------

# Art. 42: 行政处罚应当由具有行政执法资格的执法人员实施。执法人员不得少于两人，法律另有规定的除外.
OFFICERS_MINIMUM = 2


class Certificate(NamedTuple):
    """An enforcement certificate (执法证); a plain tuple of the four works too."""

    officer_id: Any
    number: str
    valid_from: dt.date
    valid_until: dt.date  # the last day it is valid


@dataclass(frozen=True)
class OfficerRefusal:
    code: str  # certificate_not_valid | too_few_officers
    officers: tuple[Any, ...] = field(default=())  # those without a valid certificate


def officers_refusal(
    certificates: Iterable[Certificate | tuple[Any, str, dt.date, dt.date]],
    on: dt.date,
    minimum: int = OFFICERS_MINIMUM,
) -> OfficerRefusal | None:
    """行政处罚法 第四十二条 (art. 42): the officers named on an inspection or investigation
    record dated ``on`` must each hold a certificate valid that day, and be at least two
    distinct people. An officer listed twice counts once; one valid certificate is enough."""
    valid: dict[Any, bool] = {}
    for officer, number, start, end in certificates:
        ok = bool(str(number).strip()) and start <= on <= end
        valid[officer] = valid.get(officer, False) or ok
    if invalid := tuple(o for o, ok in valid.items() if not ok):
        return OfficerRefusal("certificate_not_valid", invalid)
    if len(valid) < minimum:
        return OfficerRefusal("too_few_officers")
    return None


# -- Hearing, legal review and the order of steps ----------------------------------------------

# Art. 63: 较大数额罚款；没收较大数额违法所得、没收较大价值非法财物: the law leaves the amounts to
# provinces and departments. CONFIGURATION, NOT LAW: the server's are its settings
# (FIELDCASE_HEARING_LARGE_FINE_*_YUAN, FIELDCASE_MAJOR_FINE_*_YUAN), kept on each case when it
# is opened (``thresholds``). These defaults, 5,000 yuan for a person and 100,000 for an
# organisation, are one local standard seen on a government Q&A page, not a verified
# Zhejiang figure.
LARGE_AMOUNT_FEN = {"person": 5_000_00, "organisation": 100_000_00}
# Art. 63 (三)(四): penalties that always qualify for a hearing.
HEARING_PENALTIES = (
    "lower_qualification",  # 降低资质等级
    "revoke_licence",  # 吊销许可证件
    "suspend_business",  # 责令停产停业
    "order_closure",  # 责令关闭
    "limit_practice",  # 限制从业
)
# Legal review of a "major" fine is asked by local catalogues of major enforcement decisions
# (重大执法决定目录), not by art. 58 itself. CONFIGURATION, NOT LAW: by default the same amounts
# as the hearing threshold; set them from the township's catalogue.
MAJOR_FINE_FEN = dict(LARGE_AMOUNT_FEN)


def thresholds(
    large: Mapping[str, int] = LARGE_AMOUNT_FEN, major_fine: Mapping[str, int] = MAJOR_FINE_FEN
) -> dict[str, dict[str, int]]:
    """The amounts a case is judged by, as kept on it when it is opened: the server's are
    configuration (``HEARING_LARGE_FINE_*_YUAN``, ``MAJOR_FINE_*_YUAN``)."""
    for amounts in (large, major_fine):
        if set(amounts) != set(PARTY_KINDS) or any(v <= 0 for v in amounts.values()):
            raise ValueError(f"an amount above 0 for each of {PARTY_KINDS}")
    return {"large_amount_fen": dict(large), "major_fine_fen": dict(major_fine)}


@dataclass(frozen=True)
class CaseFacts:
    """What a person established about a case, as the rules below need it. ``penalties`` are
    the proposed ones, each ``{"kind": one of PENALTY_KINDS, "amount_fen": int}``."""

    party_kind: str
    penalties: tuple[Mapping[str, Any], ...] = ()
    hearing_requested: bool = False
    other_heavy_penalty: bool = False  # art. 63 (五)(六): 其他较重的行政处罚, or another rule
    major_public_interest: bool = False  # art. 58 (一) 涉及重大公共利益
    major_rights: bool = False  # art. 58 (二) 直接关系当事人或者第三人重大权益
    hearing_held: bool = False  # art. 58 (二) 经过听证程序
    complex_case: bool = False  # art. 58 (三) 案件情况疑难复杂、涉及多个法律关系
    review_required_by_law: bool = False  # art. 58 (四) 法律、法规规定应当进行法制审核的其他情形
    complex_or_major_violation: bool = False  # art. 57 对情节复杂或者重大违法行为…集体讨论决定
    # The amounts in force when the case was opened (``thresholds``); None: the defaults.
    large_amount_fen: Mapping[str, int] | None = None
    major_fine_fen: Mapping[str, int] | None = None


def _total(facts: CaseFacts, kinds: Sequence[str]) -> int:
    return sum(_amount(p) for p in facts.penalties if p["kind"] in kinds)


def hearing_grounds(facts: CaseFacts, large: Mapping[str, int] | None = None) -> list[str]:
    """行政处罚法 第六十三条 (art. 63): why the proposed penalties qualify for a hearing
    (应当告知当事人有要求听证的权利); empty when they do not. "以上" includes the amount."""
    _check_party(facts.party_kind)
    large = large or facts.large_amount_fen or LARGE_AMOUNT_FEN
    grounds = []
    if _total(facts, ("fine",)) >= large[facts.party_kind]:
        grounds.append("large_fine")
    if _total(facts, CONFISCATIONS) >= large[facts.party_kind]:
        grounds.append("large_confiscation")
    grounds += [k for k in HEARING_PENALTIES if any(p["kind"] == k for p in facts.penalties)]
    if facts.other_heavy_penalty:
        grounds.append("other_heavy_penalty")
    return grounds


def hearing_required(facts: CaseFacts, large: Mapping[str, int] | None = None) -> bool:
    """Art. 63: 当事人要求听证的，行政机关应当组织听证: requested, and the penalty qualifies."""
    return facts.hearing_requested and bool(hearing_grounds(facts, large))


def legal_review_required(
    facts: CaseFacts, major_fine: Mapping[str, int] | None = None
) -> list[str]:
    """行政处罚法 第五十八条 (art. 58): the grounds on which the decision needs legal review
    (法制审核) first; empty when it does not. 未经法制审核或者审核未通过的，不得作出决定."""
    _check_party(facts.party_kind)
    major_fine = major_fine or facts.major_fine_fen or MAJOR_FINE_FEN
    grounds = []
    if facts.major_public_interest:
        grounds.append("major_public_interest")
    if facts.major_rights and facts.hearing_held:
        grounds.append("major_rights_after_hearing")
    if facts.complex_case:
        grounds.append("complex_case")
    if facts.review_required_by_law:
        grounds.append("required_by_law")
    if _total(facts, ("fine",)) >= major_fine[facts.party_kind]:
        grounds.append("major_fine")  # local catalogue, see MAJOR_FINE_FEN
    return grounds


# The general procedure (普通程序) in order: each step, its articles, and when it is needed
# ("always", "optional", or the name of the rule below that decides).
PROCEDURE: tuple[tuple[str, str, str], ...] = (
    ("case_opened", "art. 54", "always"),  # 立案
    ("investigation", "arts. 42, 54, 55", "always"),  # 调查、检查，笔录
    ("evidence_preservation", "art. 56", "optional"),  # 先行登记保存
    ("prior_notice", "arts. 44, 45, 62", "always"),  # 告知处罚内容及事实、理由、依据和权利
    ("hearing", "arts. 63, 64", "hearing"),  # 听证, when asked for and the penalty qualifies
    ("legal_review", "art. 58", "legal_review"),  # 法制审核
    ("collective_discussion", "art. 57", "collective_discussion"),  # 负责人集体讨论
    ("decision", "art. 57", "always"),  # 行政机关负责人作出决定
    ("service", "art. 61", "always"),  # 送达
    ("execution", "arts. 66, 67, 72", "always"),  # 履行、缴纳、强制执行
    ("closed", "", "always"),  # 结案
)
STEPS = tuple(name for name, _, _ in PROCEDURE)


def required_steps(facts: CaseFacts, done_steps: Iterable[str] = ()) -> list[str]:
    """The steps this case must go through, in order. A hearing held, or one that must be
    held, counts as "经过听证程序" for art. 58 (二)."""
    done = set(done_steps)
    heard = facts.hearing_held or "hearing" in done or hearing_required(facts)
    needed = {
        "always": True,
        "optional": False,
        "hearing": hearing_required(facts),
        "legal_review": bool(legal_review_required(replace(facts, hearing_held=heard))),
        "collective_discussion": facts.complex_or_major_violation,
    }
    return [name for name, _, when in PROCEDURE if needed[when]]


def missing_before(step: str, done_steps: Iterable[str], facts: CaseFacts) -> list[str]:
    """The steps that must be done before ``step`` and are not, in order: a decision without
    prior notice (art. 44, 62: 未依照本法第四十四条、第四十五条的规定…不得作出行政处罚决定) lacks
    ``prior_notice``; without a required review, ``legal_review``."""
    done = set(done_steps)
    if unknown := (done | {step}) - set(STEPS):
        raise ValueError(f"unknown steps: {sorted(unknown)}")
    earlier = set(STEPS[: STEPS.index(step)])
    return [s for s in required_steps(facts, done) if s in earlier and s not in done]


# -- Discretion (裁量基准) ------------------------------------------------------------------------

# Art. 34: 行政机关可以依法制定行政处罚裁量基准，规范行使行政处罚裁量权。行政处罚裁量基准应当向社会
# 公布. A matter's standard is data in the catalogue: levels (阶次), each with the circumstances
# it applies to and the fine it allows, in fen, both ends included:
# [{"level": "较轻", "condition": "…", "fine_fen": [50000, 80000]}, …].


def discretion_refusal(
    levels: Sequence[Mapping[str, Any]],
    level: str | None,
    penalty: Mapping[str, Any],
    reducible: bool = False,
) -> tuple[str, dict[str, Any]] | None:
    """Why a fine does not follow the matter's published standard (art. 34), or None: a
    matter with a standard needs its level named, a level it has, and a fine within it
    (below it, where ``reducible``: 减轻处罚, arts. 30–32)."""
    if not levels or penalty["kind"] != "fine":
        return None
    named = {lv["level"]: lv for lv in levels}
    if not level:
        return "discretion_level_required", {"levels": list(named)}
    if level not in named:
        return "discretion_level_unknown", {"levels": list(named)}
    low, high = named[level]["fine_fen"]
    if not (0 if reducible else low) <= penalty["amount_fen"] <= high:
        return "outside_discretion", {"level": level, "min_fen": low, "max_fen": high}
    return None


# -- Circumstances (情节): arts. 30–32, 49 --------------------------------------------------------

# Art. 32: 当事人有下列情形之一，应当从轻或者减轻行政处罚：（一）主动消除或者减轻违法
# 行为危害后果的；（二）受他人胁迫或者诱骗实施违法行为的；（三）主动供述行政机关尚未
# 掌握的违法行为的；（四）配合行政机关查处违法行为有立功表现的；（五）法律、法规、
# 规章规定其他应当从轻或者减轻行政处罚的.
MITIGATING_MUST = ("eliminated_harm", "coerced", "confessed", "meritorious", "other_lighter")
# Art. 31: 尚未完全丧失辨认或者控制自己行为能力的精神病人、智力残疾人有违法行为的，可以从轻或者减轻
# 行政处罚 ("may": the officer weighs it; nothing is forced).
MITIGATING_MAY = ("partial_capacity",)
# 从重: the law's own, art. 49 (违反突发事件应对措施的行为，依法快速、从重处罚), and the grounds a
# published discretion standard (art. 34) names for a heavier penalty.
AGGRAVATING = ("emergency_measures", "standard_heavier")
CIRCUMSTANCES = MITIGATING_MUST + MITIGATING_MAY + AGGRAVATING


def discretion_allowed_art_31_32(
    levels: Sequence[Mapping[str, Any]], circumstances: Sequence[str], minor: bool = False
) -> tuple[list[str], bool]:
    """The levels of a matter's standard (art. 34, lightest first) the recorded circumstances
    allow, and whether the fine may go below the lightest level's floor (减轻处罚).

    A ground that obliges lightening (art. 32, or art. 30's 14 to 18: ``minor``) and none
    that aggravates: the lightest level only, or below it. One that aggravates (从重) and
    none that lightens: not the lightest level. Both, or art. 31's "may": the officer weighs
    them, every level open. 减轻 (below the range) only where a ground lightens."""
    names = [lv["level"] for lv in levels]
    must = minor or any(c in MITIGATING_MUST for c in circumstances)
    lighter = must or any(c in MITIGATING_MAY for c in circumstances)
    heavier = any(c in AGGRAVATING for c in circumstances)
    if must and not heavier:
        return names[:1], True
    if heavier and not lighter and len(names) > 1:
        return names[1:], False
    return names, lighter


# -- Limitation --------------------------------------------------------------------------------

# Art. 36: 违法行为在二年内未被发现的，不再给予行政处罚；涉及公民生命健康安全、金融安全且有危害
# 后果的，上述期限延长至五年。法律另有规定的除外。…从违法行为发生之日起计算；违法行为有连续或者
# 继续状态的，从行为终了之日起计算.
LIMITATION_YEARS = 2
LIMITATION_YEARS_LIFE_HEALTH_FINANCE = 5


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year: the month's last day (民法典 第二百零二条)
        return day.replace(year=day.year + years, day=28)


def age_on(id_number: str, day: dt.date) -> int | None:
    """Whole years of age on ``day`` of the person whose 18-digit 居民身份证号码 is given
    (GB 11643: digits 7–14 are the birth date); None when it is not one (a 统一社会信用代码,
    an old 15-digit number, a typo), so nothing is decided on a guess."""
    text = (id_number or "").strip()
    if len(text) != 18 or not text[:17].isdigit():
        return None
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return None
    if born > day:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


MINOR_NOT_PENALISED_UNDER = 14
MINOR_LIGHTER_UNDER = 18


def minor_ground(age: int | None) -> str | None:
    """行政处罚法 第三十条 (art. 30): 不满十四周岁的未成年人有违法行为的，不予行政处罚;
    已满十四周岁不满十八周岁的，应当从轻或者减轻行政处罚. The age is on the day of the act."""
    if age is None:
        return None
    if age < MINOR_NOT_PENALISED_UNDER:
        return "under_14"
    if age < MINOR_LIGHTER_UNDER:
        return "under_18"
    return None


def limitation_last_day(
    violation_ended: dt.date, five_years: bool = False, years: int | None = None
) -> dt.date:
    """行政处罚法 第三十六条 (art. 36): the last day on which discovering a violation still
    allows a penalty. ``violation_ended`` is the day it happened, or for a continuing or
    repeated violation the day it ended. ``five_years`` when it endangered citizens' life,
    health or financial security and did harm; ``years`` when another law sets the period."""
    period = (
        years
        if years is not None
        else (LIMITATION_YEARS_LIFE_HEALTH_FINANCE if five_years else LIMITATION_YEARS)
    )
    return _add_years(violation_ended, period)


def limitation_expired(
    violation_ended: dt.date,
    discovered: dt.date,
    five_years: bool = False,
    years: int | None = None,
) -> bool:
    """Art. 36: True when the violation was found too late to be penalised (不再给予行政处罚)."""
    return discovered > limitation_last_day(violation_ended, five_years, years)


# -- Act codes (行政行为码) ---------------------------------------------------------------------

# The two letters of each kind of act: pinyin initials, as Chinese document numbers use.
ACT_KINDS = {
    "XS": "clue",  # 线索
    "JB": "assignment",  # 交办
    "JC": "inspection_record",  # 检查笔录
    "XZ": "collaboration_request",  # 协作
    "LA": "case_opened",  # 立案
    "DB": "evidence_preservation",  # 登记保存
    "GZ": "prior_notice",  # 告知
    "TZ": "hearing",  # 听证
    "FS": "legal_review",  # 法制审核
    "CF": "decision",  # 处罚决定
    "SD": "service",  # 送达
    "JA": "closed",  # 结案
    "ZG": "correction_order",  # 责令改正
    "YS": "transfer",  # 案件移送
    "CG": "payment_demand",  # 催告
    "QZ": "enforcement_application",  # 申请人民法院强制执行 (行政强制法 第五十五条)
}
_ACT_CODE = re.compile(r"([0-9]{6}|[0-9]{9})-([0-9]{4})-([A-Z]{2})-([0-9]{6})-([0-9]{2})")
_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def _mod97(text: str) -> int:
    """The string as a number modulo 97, letters read as two digits (A = 10 … Z = 35), as
    IBAN (ISO 13616) and LEI (ISO 17442) do; computed piecewise so it never grows large."""
    r = 0
    for ch in text:
        value = _VALUES[ch]
        r = (r * (100 if value > 9 else 10) + value) % 97
    return r


def mod97_check_digits(body: str) -> str:
    """ISO/IEC 7064 MOD 97-10: the two digits that make ``body`` followed by them equal 1
    modulo 97. It catches every single-character error and every swap of two neighbours,
    which MOD 37,36 (one character) does not: it misses, for instance, "01" for "10"."""
    return f"{98 - _mod97(body) * 100 % 97:02d}"


def make_act_code(unit_code: str, year: int, kind: str, sequence: int) -> str:
    """The code of one enforcement act, e.g. ``331122101-2026-CF-000042-53``: the township's
    6- or 9-digit division code, the year, the kind of act, a sequence the server hands out
    once per township, year and kind (so the code is unique), and the check digits."""
    if not re.fullmatch(r"[0-9]{6}|[0-9]{9}", unit_code):
        raise ValueError("unit_code must be a 6- or 9-digit division code")
    if kind not in ACT_KINDS or not 1000 <= year <= 9999 or not 1 <= sequence <= 999_999:
        raise ValueError("unknown kind, or year or sequence out of range")
    body = f"{unit_code}{year:04d}{kind}{sequence:06d}"
    return f"{unit_code}-{year:04d}-{kind}-{sequence:06d}-{mod97_check_digits(body)}"


def check_act_code(code: str) -> bool:
    """True when ``code`` has the form of an act code, a known kind and right check digits."""
    match = _ACT_CODE.fullmatch(code) if isinstance(code, str) else None
    if match is None or match[3] not in ACT_KINDS:
        return False
    return _mod97("".join(match.groups())) == 1
