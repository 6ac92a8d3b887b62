"""Realistic cases of a township in 丽水 (the people are made up), as the server hands them to
the renderer, one for each kind of document: the kit of the document tests and of the
vectors the field app's copies are held to (``tests/vectors/make_vectors.py``)."""

from __future__ import annotations

import copy
import datetime as dt
import io
from functools import lru_cache

from PIL import Image, ImageDraw

CST = dt.timezone(dt.timedelta(hours=8))
AGENCY = "缙云县壶镇镇人民政府"
PERSON_ID = "331122198507143216"
PERSON_PHONE = "13857812345"


# -- realistic cases -----------------------------------------------------------------------


@lru_cache(maxsize=8)
def signature(seed: int) -> bytes:
    """A handwritten-looking stroke on a transparent background, as the phone sends it."""
    image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + i * 20, 60 + ((i * 37 + seed * 11) % 50) - 25) for i in range(16)]
    draw.line(points, fill=(10, 10, 60, 255), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def common(number: str) -> dict:
    return {
        "agency": AGENCY,
        "doc_number": number,
        "act_code": "ZJ331122-XZXW-2026-000731",
        "generated_at": dt.datetime(2026, 3, 14, 10, 22, tzinfo=CST),
    }


PERSON = {
    "kind": "person",
    "name": "樊志远",
    "id_number": PERSON_ID,
    "address": "浙江省缙云县壶镇镇岩背村下宅路18号",
    "phone": PERSON_PHONE,
}
COMPANY = {
    "kind": "organisation",
    "name": "缙云县壶镇鑫达五金制品有限公司",
    "id_number": "91331122MA2HX7Q31K",
    "legal_representative": "朱卫国",
    "address": "浙江省缙云县壶镇镇工业区兴业路9号",
    "phone": "0578-3123456",
}
OFFICERS = [
    {"name": "吕建平", "certificate_no": "33112201025", "signature": signature(1)},
    {"name": "应晓峰", "certificate_no": "33112201031", "signature": signature(2)},
]
APPEAL = {"reconsideration_body": "缙云县人民政府", "court": "丽水市莲都区人民法院"}
HASHES = [
    "9f2c1e7a4b3d8c6e5f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60",
    "0d4c3b2a19f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170aa55",
]


def sample(kind: str) -> dict:
    """A case as the server would hand it over, for each kind of document."""
    officers = copy.deepcopy(OFFICERS)
    if kind == "inspection_record":
        return {
            **common("壶镇综执检〔2026〕31号"),
            "started_at": dt.datetime(2026, 3, 14, 9, 30, tzinfo=CST),
            "ended_at": dt.datetime(2026, 3, 14, 10, 15, tzinfo=CST),
            "place": "缙云县壶镇镇岩背村下宅路18号门前",
            "party": dict(PERSON),
            "officers": officers,
            "recorder": "应晓峰",
            "certificates_shown": True,
            "findings": (
                "执法人员到达现场时，当事人樊志远正在其住宅门前的村道上堆放建筑材料，"
                "占用道路长约十二米、宽约二点五米，影响车辆和行人通行。现场有黄沙约三立方米、"
                "红砖约两千块，未设置警示标志。经询问，当事人称系自建房装修所用，"
                "未向有关部门申请临时占用道路。当事人联系电话13857812345。\n"
                "执法人员对现场进行了拍照，照片三张，均由执法记录仪同步记录。"
            ),
            "evidence": [
                {
                    "label": "现场全景照片",
                    "captured_at": "2026-03-14T09:35:00+08:00",
                    "sha256": HASHES[0],
                },
                {
                    "label": "堆放物近景照片",
                    "captured_at": "2026-03-14T09:37:00+08:00",
                    "sha256": HASHES[1],
                },
            ],
            "party_signature": signature(3),
        }
    if kind == "payment_demand":
        return {
            **common("壶镇综执催告〔2026〕3号"),
            "party": dict(PERSON),
            "decided_on": "2026-03-20",
            "owed_fen": 500_00,
            "payment": {"bank": "缙云县农商银行壶镇支行"},
            "issued_on": "2026-04-20",
        }
    if kind == "enforcement_application":
        return {
            **common("壶镇综执强执〔2026〕2号"),
            "court": "缙云县人民法院",
            "head": {"name": "周立新"},
            "party": dict(PERSON),
            "decision": {
                "doc_number": "壶镇综执罚决〔2026〕7号",
                "act_code": "331122101-2026-CF-000007-52",
                "title": "行政处罚决定书",
                "decided_on": "2026-03-20",
                "served_on": "2026-03-21",
                "service_method": "直接送达",
                "service_proof": "送达回证",
            },
            "penalty": {"fine_fen": 500_00},
            "facts": "2026年3月14日，你在壶镇镇岩背村下宅路18号门前村道上擅自堆放建筑材料",
            "reasons": "当事人的行为属于“擅自占用道路堆放物料”",
            "violated": "《浙江省城市市容和环境卫生管理条例》第二十一条第一款",
            "penalty_basis": "《浙江省城市市容和环境卫生管理条例》第四十条",
            "statement": "当事人于2026年3月16日明确放弃陈述、申辩权利。",
            "payment_due": "2026-04-07",
            "demand": {
                "served_on": "2026-04-20",
                "method": "邮寄送达",
                "proof": "EMS 1234567890",
                "doc_number": "壶镇综执催告〔2026〕3号",
            },
            "owed": {
                "parts": [
                    {
                        "amount_fen": 500_00,
                        "due_on": "2026-04-07",
                        "days_late": 153,
                        "surcharge_fen": 500_00,
                    }
                ],
                "unpaid_fen": 500_00,
                "surcharge_fen": 500_00,
                "owed_fen": 1_000_00,
            },
            "attachments": [
                "壶镇综执罚决〔2026〕7号行政处罚决定书及送达凭证（送达回证）",
                "催告书壶镇综执催告〔2026〕3号及送达凭证（EMS 1234567890）",
            ],
            "issued_on": "2026-09-07",
        }
    if kind == "correction_order":
        return {
            **common("壶镇综执责改〔2026〕17号"),
            "party": dict(PERSON),
            "facts": "2026年3月14日，你在缙云县壶镇镇岩背村下宅路18号门前村道上擅自堆放黄沙、红砖等"
            "建筑材料，占用道路约三十平方米",
            "legal_basis": "《浙江省城市市容和环境卫生管理条例》第二十一条第一款",
            "correction": "清除堆放在村道上的建筑材料，恢复道路通行",
            "deadline": "2026-03-17",
            "issued_on": "2026-03-14",
            "officers": officers,
            "contact": {
                "person": "吕建平",
                "phone": "0578-3188110",
                "address": "壶镇镇政府综合行政执法队",
            },
            "party_signature": signature(3),
        }
    if kind == "preservation_notice":
        return {
            **common("壶镇综执登存〔2026〕4号"),
            "party": dict(COMPANY),
            "reason": "你单位涉嫌在壶镇镇兴业路9号厂区外露天焚烧废旧包装材料",
            "items": [
                {"name": "未燃尽的废旧塑料包装", "spec": "编织袋装", "quantity": 6, "unit": "袋"},
                {
                    "name": "助燃用柴油",
                    "spec": "20升塑料桶",
                    "quantity": 1,
                    "unit": "桶",
                    "note": "约剩半桶",
                },
            ],
            "storage_place": "壶镇镇综合行政执法队暂扣物品仓库",
            "storage_mode": "异地保存",
            "approved": True,
            "officers": officers,
            "issued_on": "2026-03-14",
            "party_refusal": {"reason": "称须请示公司负责人", "witness": "李秀英"},
        }
    if kind == "prior_notice":
        return {
            **common("壶镇综执罚告〔2026〕9号"),
            "party": dict(COMPANY),
            "facts": "2026年3月14日，你单位在兴业路9号厂区外露天焚烧废旧塑料包装材料约300千克",
            "evidence": ["现场检查（勘验）笔录一份", "现场照片四张", "询问笔录两份"],
            "reasons": "你单位露天焚烧产生有毒有害烟尘的物质，事实清楚，证据确凿",
            "legal_basis": "《中华人民共和国大气污染防治法》第一百一十九条第二款",
            "penalty": {"fine_fen": 20_000_00},
            "hearing_eligible": True,
            "issued_on": "2026-03-20",
            "contact": {"person": "吕建平", "phone": "0578-3188110"},
        }
    if kind == "summary_decision":
        return {
            **common("壶镇综执当罚〔2026〕12号"),
            "party": dict(PERSON),
            "violation": "在壶镇镇老街菜场东侧人行道上摆摊设点，占道经营，经劝阻后仍不改正",
            "legal_basis": "《浙江省城市市容和环境卫生管理条例》第四十条",
            "penalty": {"fine_fen": 200_00},
            "decided_at": dt.datetime(2026, 3, 14, 15, 40, tzinfo=CST),
            "place": "缙云县壶镇镇老街菜场东侧",
            "officers": officers,
            "certificates_shown": True,
            "payment": {"bank": "中国农业银行缙云壶镇支行", "method": "浙里办“非税支付”扫码"},
            **APPEAL,
            "party_signature": signature(3),
        }
    if kind == "penalty_decision":
        return {
            **common("壶镇综执罚决〔2026〕7号"),
            "party": dict(COMPANY),
            "facts": (
                "2026年3月14日9时许，本机关执法人员在巡查中发现，你单位在壶镇镇兴业路9号厂区外"
                "空地露天焚烧废旧塑料包装材料约三百千克，产生大量黑色烟尘。你单位法定代表人朱卫国"
                "在询问中承认系为节省处置费用而焚烧。"
            ),
            "evidence": [
                "现场检查（勘验）笔录一份",
                "现场照片四张及执法记录仪视频一段",
                "对朱卫国的询问笔录一份",
                "营业执照复印件一份",
            ],
            "statement": "你单位在法定期限内提出陈述，称系初次违法且已清理现场。本机关经复核认为，"
            "你单位已清理现场，可以从轻处罚，予以采纳。",
            "violated": "《中华人民共和国大气污染防治法》第七十七条",
            "penalty_basis": "《中华人民共和国大气污染防治法》第一百一十九条第二款",
            "discretion": "当事人初次违法且主动清理现场，依法从轻处罚",
            "penalty": {"fine_fen": 12_345_67},
            "payment": {"bank": "中国农业银行缙云壶镇支行", "method": "浙里办“非税支付”扫码"},
            **APPEAL,
            "decided_on": "2026-04-02",
        }
    if kind == "transfer_letter":
        return {
            **common("壶镇综执移〔2026〕3号"),
            "receiver": "缙云县自然资源和规划局",
            "case_summary": (
                "2026年3月10日，本镇网格员在巡查中发现壶镇镇岩背村村民樊志远"
                "（身份证号码331122198507143216）在村东农用地上"
                "开挖地基、浇筑水泥地坪，涉嫌非法占用耕地建房，面积约二百平方米。本机关执法人员"
                "于3月11日进行了现场检查，固定了现场照片和测量记录。"
            ),
            "party": dict(PERSON),
            "reason": "该行为涉嫌违反土地管理法律法规，不属于本镇赋权清单内的执法事项",
            "attachments": [
                {"name": "现场检查（勘验）笔录", "sha256": HASHES[0]},
                {"name": "现场照片（共6张）及测量记录", "sha256": HASHES[1]},
            ],
            "issued_on": "2026-03-12",
            "contact": {"person": "吕建平", "phone": "0578-3188110"},
        }
    raise AssertionError(kind)
