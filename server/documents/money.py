"""Money on a document: amounts are integer fen (分) everywhere; a document prints yuan with
two decimals and the same amount in Chinese capitals (大写金额), the form a fine must carry
so that it cannot be altered by adding a stroke.

The capitals follow the People's Bank's rules for filling in bills (《正确填写票据和结算凭证
的基本规定》, 支付结算办法 附一):

- an amount ending at 元 is closed with 整; after 角 no 整 is written; after 分 never;
- a 0 between digits is written 零, and a run of 0s as one 零 (壹仟零贰元; 壹佰万零贰元);
- when the 元 digit is 0 and 角 is not, a 零 may follow 元: written here (叁仟元零伍角);
- when 角 is 0 and 分 is not, 零 must follow 元 (壹万陆仟肆佰零玖元零贰分);
- 10 is 壹拾, not 拾: the leading 壹 keeps a 拾 from being written before it.
"""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ((1000, "仟"), (100, "佰"), (10, "拾"), (1, ""))
GROUPS = ("", "万", "亿", "万亿")  # each group is four digits


def _check(fen: int) -> int:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"an amount is integer fen, not {type(fen).__name__}")
    if fen < 0:
        raise ValueError("an amount cannot be negative")
    if fen >= 10 ** (4 * len(GROUPS)) * 100:
        raise ValueError("the amount is too large to write in capitals")
    return fen


def yuan(fen: int) -> str:
    """2000050 → "20000.50" (yuan, two decimals, no thousands separator: as documents write it)."""
    whole, rest = divmod(_check(fen), 100)
    return f"{whole}.{rest:02d}"


def _integer(n: int) -> str:
    groups = []
    while n:
        n, group = divmod(n, 10000)
        groups.append(group)
    out: list[str] = []
    zero = False  # a 0 seen after a written digit, not yet written as 零
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            zero = bool(out)
            continue
        for place, unit in PLACES:
            digit = group // place % 10
            if digit == 0:
                zero = zero or bool(out)
            else:
                if zero:
                    out.append("零")
                    zero = False
                out.append(DIGITS[digit] + unit)
        out.append(GROUPS[index])
        zero = False  # 0s closing a group are not read: 壹拾万柒仟, not 壹拾万零柒仟
    return "".join(out)


def yuan_in_capitals(fen: int) -> str:
    """20000 → 贰佰元整; 300050 → 叁仟元零伍角; 1234567 → 壹万贰仟叁佰肆拾伍元陆角柒分."""
    whole, rest = divmod(_check(fen), 100)
    jiao, fen_digit = divmod(rest, 10)
    if whole == 0 and rest == 0:
        return "零元整"
    text = _integer(whole) + "元" if whole else ""
    if not rest:
        return text + "整"
    if whole and (whole % 10 == 0 or jiao == 0):
        text += "零"
    if jiao:
        text += DIGITS[jiao] + "角"
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    return text


def amount(fen: int) -> str:
    """How a document states a sum: 人民币200.00元（大写：贰佰元整）."""
    return f"人民币{yuan(fen)}元（大写：{yuan_in_capitals(fen)}）"
