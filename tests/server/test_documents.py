"""Enforcement documents (执法文书) as PDF: each kind rendered from a realistic case of a
township in 丽水 (the people are made up), then read back with poppler's tools the way a
person would see it: the text (pdftotext), the first page as a picture (pdftoppm), the
fonts (pdffonts), the images (pdfimages) and the QR code (zbarimg).

Without poppler-utils (or zbar-tools, for the QR test) these tests are skipped with a loud
reason on a developer's machine; in CI (``CI=true``) that is a failure.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from functools import lru_cache

import pytest
from PIL import Image

from server.documents import DOCUMENTS, DocumentDataError, render, yuan_in_capitals
from server.documents import rendered as documents_rendered
from server.documents.layout import FONT, PAPERS, register_fonts
from server.documents.redact import public_copy
from server.documents.wrap import CANNOT_END, CANNOT_START, wrap
from tests.server.document_cases_kit import (
    AGENCY,
    COMPANY,
    HASHES,
    OFFICERS,
    PERSON_ID,
    PERSON_PHONE,
    sample,
    signature,
)
from tests.server.documents_kit import text_of

POPPLER = ("pdftotext", "pdftoppm", "pdffonts", "pdfimages", "pdfinfo")


def _tools_missing(tools, package):
    missing = [t for t in tools if shutil.which(t) is None]
    if not missing:
        return
    why = f"{', '.join(missing)} not found: apt-get install {package}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the PDF tests: {why}", pytrace=False)
    pytest.skip(f"PDF TESTS SKIPPED: {why}")


@pytest.fixture(scope="session")
def poppler():
    _tools_missing(POPPLER, "poppler-utils")


@pytest.fixture(scope="session")
def zbar():
    _tools_missing(("zbarimg",), "zbar-tools")


# What a reader must find on each document, beyond the title, number, agency and act code.
EXPECTED = {
    "inspection_record": [
        "樊志远",
        PERSON_ID,
        "出示执法证件",
        "33112201025",
        "33112201031",
        "2026年3月14日9时30分至10时15分",
        HASHES[0],
    ],
    "correction_order": ["樊志远", "第二十八条", "2026年3月17日前", "陈述、申辩"],
    "payment_demand": ["樊志远", "第五十四条", "伍佰元", "十个工作日内", "陈述和申辩"],
    "enforcement_application": [
        "缙云县人民法院",
        "被申请人",
        "樊志远",
        "周立新",
        "行政机关负责人",
        "壶镇综执罚决〔2026〕7号",
        "第五十五条",
        "明确放弃陈述、申辩",
        "EMS 1234567890",
        "壹仟元整",
        "第七十二条",
        "2026年9月7日",
    ],
    "preservation_notice": [
        "缙云县壶镇鑫达五金制品有限公司",
        "第五十六条",
        "七日内及时作出处理决定",
        "助燃用柴油",
        "当事人拒绝签名",
        "李秀英",
    ],
    "prior_notice": [
        "缙云县壶镇鑫达五金制品有限公司",
        "第四十四条",
        "陈述和申辩",
        "第六十三条",
        "第六十四条",
        "五日内",
        "贰万元整",
        "20000.00",
    ],
    "summary_decision": [
        "樊志远",
        "贰佰元整",
        "200.00",
        "第五十二条",
        "中国农业银行缙云壶镇支行",
        "行政复议",
        "行政诉讼",
        "缙云县人民政府",
        "33112201025",
        "2026年3月14日15时40分",
    ],
    "penalty_decision": [
        "缙云县壶镇鑫达五金制品有限公司",
        "91331122MA2HX7Q31K",
        "兴业路9号",
        "违法事实和证据",
        "营业执照复印件",
        "第一百一十九条第二款",
        "壹万贰仟叁佰肆拾伍元陆角柒分",
        "12345.67",
        "十五日内",
        "六十日内",
        "六个月内",
        "2026年4月2日",
        "（印章）",
    ],
    "transfer_letter": ["缙云县自然资源和规划局", "赋权清单", HASHES[0], HASHES[1]],
}


@lru_cache(maxsize=32)
def rendered(kind: str, redacted: bool = False, paper: str = "A4") -> bytes:
    return render(kind, sample(kind), redacted=redacted, paper=paper)


def run(args, **kwargs) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs).stdout


def run_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, check=True, capture_output=True
    ).stdout.decode()


def write(tmp_path, pdf: bytes, name: str = "doc.pdf"):
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


# -- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "capitals"),
    [
        (20000, "贰佰元整"),
        (300050, "叁仟元零伍角"),
        (1234567, "壹万贰仟叁佰肆拾伍元陆角柒分"),
        (0, "零元整"),
        (50, "伍角"),
        (5, "伍分"),
        (1000, "壹拾元整"),
        (100200, "壹仟零贰元整"),  # a 0 between digits is written 零
        (100000200, "壹佰万零贰元整"),  # a run of 0s is one 零
        (1640902, "壹万陆仟肆佰零玖元零贰分"),  # 角 is 0, 分 is not: 零 after 元
        (168032, "壹仟陆佰捌拾元零叁角贰分"),  # 元 digit 0, 角 not: 零 after 元
        (10700053, "壹拾万柒仟元零伍角叁分"),  # 0s closing the 万 group are not read
        (10070000, "壹拾万零柒佰元整"),
        (10000070000, "壹亿零柒佰元整"),
    ],
)
def test_yuan_in_capitals_follows_the_rules_for_filling_in_bills(fen, capitals):
    assert yuan_in_capitals(fen) == capitals


@pytest.mark.parametrize("bad", [-1, 1.5, "200", True])
def test_yuan_in_capitals_takes_only_non_negative_integer_fen(bad):
    with pytest.raises((TypeError, ValueError)):
        yuan_in_capitals(bad)


# -- what each document says -------------------------------------------------------------------


def test_every_declared_kind_has_a_sample_and_a_unique_prefix():
    assert set(DOCUMENTS) == set(EXPECTED)
    assert len({d.prefix for d in DOCUMENTS.values()}) == len(DOCUMENTS)


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_document_shows_its_title_number_agency_act_code_and_key_fields(kind, poppler):
    data = sample(kind)
    text = text_of(rendered(kind))
    for expected in [
        DOCUMENTS[kind].title,
        data["doc_number"],
        AGENCY,
        data["act_code"],
        "生成时间：2026-03-1410:22",
        "第1页/共",
        *EXPECTED[kind],
    ]:
        assert expected.replace(" ", "") in text, f"{expected!r} not in the {kind} PDF"


def test_summary_decision_notes_a_refusal_to_sign_for_it(poppler):
    data = sample("summary_decision")
    del data["party_signature"]
    data["party_refusal"] = {"reason": "对处罚有异议", "witness": "李秀英"}
    text = text_of(render("summary_decision", data))
    assert "当事人拒绝签收" in text
    assert "见证人：李秀英" in text


def test_prior_notice_offers_a_hearing_only_where_the_penalty_qualifies(poppler):
    data = sample("prior_notice")
    data["hearing_eligible"] = False
    text = text_of(render("prior_notice", data))
    assert "陈述和申辩" in text
    assert "听证" not in text


def test_long_text_wraps_onto_more_pages_and_the_footer_counts_them(poppler):
    data = sample("inspection_record")
    sentence = "当事人在村道上堆放建筑材料占用道路影响通行且未设置任何警示标志"
    data["findings"] = sentence * 120 + "末尾标记"
    pdf = render("inspection_record", data)
    text = text_of(pdf)
    pages = int(re.search(r"共(\d+)页", text).group(1))
    assert pages >= 2
    assert f"第{pages}页/共{pages}页" in text
    assert text.count("警") == 120  # every sentence, none lost between pages
    assert "末尾标记" in text  # nor at the end
    lines = [line.strip() for line in run_text(pdf).splitlines() if "警" in line]
    assert len(lines) > 50
    assert max(len(line) for line in lines) < 50  # wrapped to the width, not endless lines


def test_80mm_roll_paper_carries_the_same_content(tmp_path, poppler):
    pdf = rendered("summary_decision", paper="80mm")
    info = run(["pdfinfo", str(write(tmp_path, pdf))])
    width = float(re.search(r"Page size:\s+([\d.]+) x", info).group(1))
    assert abs(width - 80 / 25.4 * 72) < 1
    text = text_of(pdf)
    for expected in ["当场行政处罚决定书", "壶镇综执当罚〔2026〕12号", "贰佰元整", "樊志远"]:
        assert expected in text


def test_closing_punctuation_never_starts_a_line_and_numbers_stay_whole():
    register_fonts()
    text = (
        "罚款人民币200.00元（大写：贰佰元整）。到期不缴纳的，依据《浙江省城市市容和环境卫生"
        "管理条例》第四十条处理，联系电话13857812345，行为码ZJ331122-XZXW-2026-000731。"
    ) * 2
    for width in range(40, 260, 3):
        lines = [line for _, line in wrap(text, FONT, 10, [width])]
        assert "".join(lines) == text
        assert not any(line[0] in CANNOT_START for line in lines[1:]), lines
        assert not any(line[-1] in CANNOT_END for line in lines[:-1]), lines
        if width >= 70:  # wide enough for the phone number: it is never cut
            assert sum("13857812345" in line for line in lines) == 2, lines


def test_the_seal_never_stands_on_a_page_without_text(tmp_path, poppler):
    # On the roll the decision's closing would fall alone onto page 2: the last paragraph
    # goes with it.
    path = write(tmp_path, rendered("penalty_decision", paper="80mm"))
    pages = int(re.search(r"Pages:\s+(\d+)", run(["pdfinfo", str(path)])).group(1))
    last = re.sub(
        r"\s+", "", run(["pdftotext", "-f", str(pages), "-l", str(pages), str(path), "-"])
    )
    assert "（印章）" in last
    assert "不停止执行" in last


# -- how it looks -------------------------------------------------------------------------------


def page_image(tmp_path, pdf: bytes, dpi: int = 50, crop: tuple | None = None) -> Image.Image:
    path = write(tmp_path, pdf)
    args = ["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile"]
    if crop:
        x, y, w, h = crop
        args += ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
    subprocess.run([*args, str(path), str(tmp_path / "page")], check=True)
    return Image.open(tmp_path / "page.png").convert("L")


def dark_pixels(image: Image.Image, box: tuple[float, float, float, float]) -> int:
    """Pixels darker than mid-grey in ``box`` (fractions of width and height)."""
    w, h = image.size
    region = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
    return sum(region.histogram()[:128])


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_first_page_has_a_dark_title_and_the_qr_code_in_the_top_right_corner(
    kind, tmp_path, poppler
):
    page = page_image(tmp_path, rendered(kind))
    assert abs(page.size[0] - 413) <= 1 and abs(page.size[1] - 585) <= 1  # A4 at 50 dpi
    assert dark_pixels(page, (0.3, 0.05, 0.7, 0.14)) > 150  # agency and title
    assert dark_pixels(page, (0.79, 0.05, 0.91, 0.14)) > 300  # the QR code
    assert dark_pixels(page, (0.0, 0.0, 0.11, 0.14)) == 0  # nothing in the top-left corner


def test_qr_code_decodes_to_the_act_code(tmp_path, poppler, zbar):
    # Only the top-right corner, at a resolution a phone camera easily beats.
    corner = page_image(tmp_path, rendered("summary_decision"), 150, (980, 60, 260, 260))
    corner.save(tmp_path / "qr.png")
    found = run(["zbarimg", "-q", "--raw", str(tmp_path / "qr.png")]).strip()
    assert found == sample("summary_decision")["act_code"]


def test_the_cjk_font_is_embedded_and_no_font_is_left_to_the_reader(tmp_path, poppler):
    listing = run(["pdffonts", str(write(tmp_path, rendered("penalty_decision")))])
    rows = listing.splitlines()[2:]
    assert any("WenQuanYi" in row or "ZenHei" in row for row in rows)
    for row in rows:
        emb, _sub, uni = row.split()[-5:-2]
        assert (emb, uni) == ("yes", "yes"), row


def test_signatures_are_drawn_into_their_boxes(tmp_path, poppler):
    images = run(["pdfimages", "-list", str(write(tmp_path, rendered("inspection_record")))])
    assert len(images.splitlines()[2:]) >= 3  # the party and two officers (with their masks)


# -- the rules a document enforces on its data ----------------------------------------------


def without(data: dict, path: str) -> dict:
    data = copy.deepcopy(data)
    node, *keys = path.split(".")
    target = data
    for key in [node, *keys][:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    last = [node, *keys][-1]
    del target[int(last) if isinstance(target, list) else last]
    return data


@pytest.mark.parametrize(
    ("kind", "path", "named"),
    [
        ("summary_decision", "party.name", "party.name"),
        ("summary_decision", "officers.0.certificate_no", "officers[0].certificate_no"),
        ("inspection_record", "findings", "findings"),
        ("inspection_record", "party.id_number", "party.id_number"),
        ("inspection_record", "party_signature", "party_signature or party_refusal"),
        ("inspection_record", "certificates_shown", "certificates_shown"),
        ("penalty_decision", "court", "court"),
        ("penalty_decision", "payment", "payment.bank"),
        ("preservation_notice", "approved", "approved"),
        ("transfer_letter", "attachments.1.sha256", "attachments[1].sha256"),
        ("prior_notice", "act_code", "act_code"),
        # 行政强制法 第五十五条: the decision, the demand's proof, the head who signs.
        ("enforcement_application", "decision.doc_number", "decision.doc_number"),
        ("enforcement_application", "demand.proof", "demand.proof"),
        ("enforcement_application", "head", "head.name"),
    ],
)
def test_a_missing_required_field_is_a_value_error_naming_it(kind, path, named):
    with pytest.raises(ValueError, match=re.escape(named)) as caught:
        render(kind, without(sample(kind), path))
    assert isinstance(caught.value, DocumentDataError)
    assert named in caught.value.fields


def test_hearing_eligible_false_is_a_value_not_a_missing_field():
    data = sample("prior_notice")
    data["hearing_eligible"] = False
    assert render("prior_notice", data).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("kind", "change", "field"),
    [
        ("inspection_record", {"officers": OFFICERS[:1]}, "officers"),  # 第四十二条: two
        ("summary_decision", {"penalty": {"fine_fen": 200_01}}, "penalty.fine_fen"),  # 第五十一条
        ("summary_decision", {"penalty": {"other": "责令停业三日"}}, "penalty"),
        ("summary_decision", {"doc_number": "壶镇综执罚决〔2026〕12号"}, "doc_number"),
        ("summary_decision", {"certificates_shown": False}, "certificates_shown"),
        ("summary_decision", {"party_signature": b"GIF89a..."}, "party_signature"),
        ("summary_decision", {"party_signature": signature(3)[:80]}, "party_signature"),
        ("prior_notice", {"hearing_eligible": "yes"}, "hearing_eligible"),
        ("correction_order", {"objection_days": 0}, "objection_days"),
        ("penalty_decision", {"evidence": ["询问笔录一份", {"sha256": HASHES[0]}]}, "evidence[1]"),
        ("transfer_letter", {"agency": "缙云县壶镇镇综合行政执法队"}, "agency"),
        ("inspection_record", {"ended_at": "2026-03-14T09:00:00+08:00"}, "ended_at"),
        ("penalty_decision", {"penalty": {"confiscation": "焚烧工具一套"}}, "performance"),
        # 行政强制法 第五十五条（四）: the sum asked is the parts and their surcharges, not 0.
        (
            "enforcement_application",
            {"owed": {**sample("enforcement_application")["owed"], "owed_fen": 500_00}},
            "owed.owed_fen",
        ),
        (
            "enforcement_application",
            {"owed": {"parts": [], "owed_fen": 0}},
            "owed.parts",
        ),
    ],
)
def test_data_that_breaks_a_rule_is_refused_naming_the_field(kind, change, field):
    with pytest.raises(DocumentDataError) as caught:
        render(kind, {**sample(kind), **change})
    assert field in caught.value.fields


def test_an_organisation_may_be_fined_up_to_3000_yuan_on_the_spot():
    data = {**sample("summary_decision"), "party": dict(COMPANY)}
    data["penalty"] = {"fine_fen": 3_000_00}
    assert render("summary_decision", data).startswith(b"%PDF")


def test_unknown_kind_or_paper_is_refused():
    with pytest.raises(ValueError, match="unknown document kind"):
        render("arrest_warrant", sample("summary_decision"))
    with pytest.raises(ValueError, match="unknown paper"):
        render("summary_decision", sample("summary_decision"), paper="A5")


# -- the public copy (行政处罚法 第四十八条) ----------------------------------------------------


@pytest.mark.parametrize("kind", ["inspection_record", "summary_decision", "transfer_letter"])
def test_public_copy_of_a_person_keeps_the_surname_only_and_no_id_or_phone(kind, poppler):
    text = text_of(rendered(kind, redacted=True))
    assert "樊**" in text
    assert "志远" not in text
    assert PERSON_ID not in text
    assert PERSON_PHONE not in text
    assert "下宅路18号" not in text or kind == "inspection_record"  # a place stays a place
    assert "公开文本" in text
    if kind != "transfer_letter":
        assert "吕**" in text
        assert "建平" not in text  # officers are persons too; their certificates stay
        assert "33112201025" in text


def test_public_copy_keeps_the_organisation_but_masks_its_representative(poppler):
    text = text_of(rendered("penalty_decision", redacted=True))
    assert "缙云县壶镇鑫达五金制品有限公司" in text
    assert "91331122MA2HX7Q31K" in text  # a registration fact, public by law
    assert "朱**" in text
    assert "卫国" not in text  # also where the facts name him


def test_public_copy_draws_no_signature(tmp_path, poppler):
    images = run(["pdfimages", "-list", str(write(tmp_path, rendered("inspection_record", True)))])
    assert images.splitlines()[2:] == []
    assert "公开文本不显示签名" in text_of(rendered("inspection_record", True))


def test_public_copy_leaves_the_data_it_was_made_from_unchanged():
    data = sample("inspection_record")
    before = copy.deepcopy(data)
    public = public_copy(data)
    assert data == before
    assert public["party"]["name"] == "樊**"
    assert "party_signature" not in public
    assert public["officers"][0]["certificate_no"] == "33112201025"


# -- determinism: the archived SHA-256 stays meaningful ---------------------------------


def test_the_same_data_gives_the_same_bytes_and_other_data_other_bytes():
    first = render("summary_decision", sample("summary_decision"))
    render("transfer_letter", sample("transfer_letter"))  # nothing carries over between renders
    assert render("summary_decision", sample("summary_decision")) == first
    changed = {**sample("summary_decision"), "act_code": "ZJ331122-XZXW-2026-000732"}
    assert render("summary_decision", changed) != first


@pytest.mark.parametrize("paper", ["A4", "80mm"])
@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_a_document_under_seal_has_one_place_for_it_beside_its_closing(kind, paper, poppler):
    """The agency's seal goes beside its name at the close (server.documents.seal): one
    place, on the page the closing is on, inside the paper; a record the officers and the
    party sign has none. Unsealed, the place reads 「（印章）」 for a seal stamped by hand."""
    data = sample(kind)
    made = documents_rendered(kind, data, paper=paper, sealed=True)
    if not DOCUMENTS[kind].sealed:
        assert made.seal is None
        return
    x1, y1, x2, y2 = made.seal.box
    assert 0 < x1 < x2 <= PAPERS[paper].width and 0 < y1 < y2 <= PAPERS[paper].height
    assert round(x2 - x1) == round(y2 - y1)
    assert "（印章）" not in run_text(made.pdf)
    unsealed = documents_rendered(kind, data, paper=paper)
    assert unsealed.seal == made.seal  # the same layout, sealed or stamped by hand
    n = str(made.seal.page + 1)
    page = subprocess.run(
        ["pdftotext", "-f", n, "-l", n, "-", "-"], input=unsealed.pdf, capture_output=True
    ).stdout.decode()
    assert "（印章）" in page and data["agency"] in page
