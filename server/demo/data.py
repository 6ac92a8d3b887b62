"""Demo data: names and places from the seeds' township (衢州市柯城区), people invented.

Legal bases name the article where the demo matter rests on it; the full catalogue with
discretion levels is the catalogue issue's work.
"""

DEMO_PASSWORD = "fieldcase-demo"  # noqa: S105 - printed for the demo, never used elsewhere

COUNTY = {"code": "330802", "name": "衢州市柯城区"}

DEPARTMENTS = [
    ("ZRZY", "区自然资源和规划局"),
    ("NYNC", "区农业农村局"),
    ("STHJ", "市生态环境局柯城分局"),
    ("ZJ", "区住房和城乡建设局"),
    ("SL", "区水利局"),
    ("ZHZF", "区综合行政执法局"),
]

MATTERS = [
    {
        "code": "ST-0119-01",
        "short": "露天焚烧",
        "name": "露天焚烧秸秆、落叶等产生烟尘污染的物质",
        "domain": "生态环境",
        "basis": "《中华人民共和国大气污染防治法》第七十七条",
        "penalty_basis": "《中华人民共和国大气污染防治法》第一百一十九条第一款",
        "penalty": "责令改正，可处500元以上2000元以下罚款",
        "summary": False,
        "department": "STHJ",
    },
    {
        "code": "ST-0118-01",
        "short": "油烟直排",
        "name": "餐饮服务业经营者未安装油烟净化设施排放油烟",
        "domain": "生态环境",
        "basis": "《中华人民共和国大气污染防治法》第八十一条",
        "penalty_basis": "《中华人民共和国大气污染防治法》第一百一十八条第一款",
        "penalty": "责令改正，处5000元以上5万元以下罚款",
        "summary": False,
        "department": "STHJ",
    },
    {
        "code": "SR-0036-01",
        "short": "占道经营",
        "name": "擅自占用道路、桥梁等公共场所摆摊设点（占道经营）",
        "domain": "市容环卫",
        "basis": "《城市市容和环境卫生管理条例》第十四条",
        "penalty_basis": "《城市市容和环境卫生管理条例》第三十六条",
        "penalty": "责令纠正，可并处警告、罚款",
        "summary": True,
        "department": "ZHZF",
    },
    {
        "code": "SR-0036-02",
        "short": "乱堆乱放",
        "name": "在公共场所乱堆乱放物料",
        "domain": "市容环卫",
        "basis": "《城市市容和环境卫生管理条例》第十四条",
        "penalty_basis": "《城市市容和环境卫生管理条例》第三十六条",
        "penalty": "责令纠正，可并处警告、罚款",
        "summary": True,
        "department": "ZHZF",
        # A discretion standard (裁量基准, art. 34) of the demo's own making, in its shape:
        # a township publishes its own.
        "discretion": [
            {
                "level": "较轻",
                "condition": "首次违法，经责令后及时清理",
                "fine_fen": [100_00, 500_00],
            },
            {
                "level": "一般",
                "condition": "经劝阻未清理，影响通行",
                "fine_fen": [500_00, 1_000_00],
            },
            {
                "level": "较重",
                "condition": "拒不清理或造成事故隐患",
                "fine_fen": [1_000_00, 2_000_00],
            },
        ],
    },
    {
        "code": "SR-0011-01",
        "short": "违规广告",
        "name": "未经批准设置户外广告",
        "domain": "市容环卫",
        "basis": "《城市市容和环境卫生管理条例》第十一条",
        "penalty_basis": "《城市市容和环境卫生管理条例》第三十六条",
        "penalty": "责令限期拆除，可并处罚款",
        "summary": True,
        "department": "ZHZF",
    },
    {
        "code": "SR-0026-01",
        "short": "乱倒建筑垃圾",
        "name": "随意倾倒、抛撒、堆放建筑垃圾",
        "domain": "市容环卫",
        "basis": "《城市建筑垃圾管理规定》第十五条",
        "penalty_basis": "《城市建筑垃圾管理规定》第二十六条",
        "penalty": "责令限期改正，单位处5000元以上5万元以下、个人处200元以下罚款",
        "summary": True,
        "department": "ZHZF",
    },
    {
        "code": "GH-0065-01",
        "short": "违法搭建",
        "name": "在乡、村庄规划区内未依法取得乡村建设规划许可证进行建设（违法搭建）",
        "domain": "城乡规划",
        "basis": "《中华人民共和国城乡规划法》第四十一条",
        "penalty_basis": "《中华人民共和国城乡规划法》第六十五条",
        "penalty": "责令停止建设、限期改正；逾期不改正的可以拆除",
        "summary": False,
        "department": "ZRZY",
    },
    {
        "code": "NY-0078-01",
        "short": "非法占地建房",
        "name": "农村村民未经批准非法占用土地建住宅",
        "domain": "农业农村",
        "basis": "《中华人民共和国土地管理法》第七十八条",
        "penalty_basis": "《中华人民共和国土地管理法》第七十八条",
        "penalty": "责令退还非法占用的土地，限期拆除新建房屋",
        "summary": False,
        "department": "NYNC",
    },
    {
        "code": "LY-0076-01",
        "short": "滥伐林木",
        "name": "滥伐林木",
        "domain": "林业",
        "basis": "《中华人民共和国森林法》第五十六条",
        "penalty_basis": "《中华人民共和国森林法》第七十六条第二款",
        "penalty": "责令限期补种滥伐株数一倍以上三倍以下树木，可处滥伐林木价值三倍以上五倍以下罚款",
        "summary": False,
        "department": "ZRZY",
    },
    {
        "code": "SL-0044-01",
        "short": "非法采砂",
        "name": "未经批准在河道管理范围内采砂",
        "domain": "水利",
        "basis": "《中华人民共和国河道管理条例》第二十五条",
        "penalty_basis": "《中华人民共和国河道管理条例》第四十四条",
        "penalty": "责令纠正违法行为，采取补救措施，可处警告、罚款、没收非法所得",
        "summary": False,
        "department": "SL",
    },
]

# Matters 石梁镇 holds no power for, transferred to the department the catalogue names; the
# department's answer when it has given one (its desk user, its case number).
TRANSFER_STORIES = [
    ("330802102", "LY-0076-01", "后山有人砍伐成片杉木，约三十余株", "后山林场",
     ("ZRZY", "柯自然资规罚立〔2026〕38号")),
    ("330802102", "NY-0078-01", "村民在承包耕地上打地基，准备建房", "村东承包地", None),
]  # fmt: skip

TOWNSHIPS = [
    {
        "code": "330802101",
        "name": "航埠镇",
        "prefix": "hb",
        "centre": (28.9330, 118.7800),
        # Empowered for most of the catalogue; mining sand in the river stays with 水利局.
        "empowered": [
            "ST-0119-01",
            "ST-0118-01",
            "SR-0036-01",
            "SR-0036-02",
            "SR-0011-01",
            "SR-0026-01",
            "GH-0065-01",
            "NY-0078-01",
            "LY-0076-01",
        ],
        "people": {
            "dispatcher": "航埠镇指挥室 陈丽",
            "leader": "执法队长 王建国",
            "reviewer": "法制审核员 吴芳",
            "officers": ["执法队员 李强", "执法队员 张伟", "执法队员 刘洋"],
        },
        "villages": [
            ("330802101201", "北二村", ["网格员 徐秀英", "网格员 郑志明"]),
            ("330802101202", "刘家村", ["网格员 刘桂兰", "网格员 方建华"]),
        ],
    },
    {
        "code": "330802102",
        "name": "石梁镇",
        "prefix": "sl",
        "centre": (29.0310, 118.9120),
        "empowered": ["ST-0119-01", "SR-0036-01", "SR-0036-02", "SR-0011-01", "GH-0065-01"],
        "people": {
            "dispatcher": "石梁镇指挥室 黄晓燕",
            "leader": "执法队长 邵国平",
            "reviewer": "法制审核员 汪琳",
            "officers": ["执法队员 余斌", "执法队员 毛俊"],
        },
        "villages": [
            ("330802102201", "静岩村", ["网格员 姜美华", "网格员 叶小军"]),
            ("330802102202", "坎底村", ["网格员 祝玉兰"]),
        ],
    },
]

# (matter, what the grid worker wrote, where)
CLUE_STORIES = [
    ("ST-0119-01", "田间有人焚烧秸秆，浓烟较大，已上前劝阻。", "村东稻田"),
    ("SR-0036-01", "早市流动摊贩占用村道经营，影响车辆通行。", "村口公路边"),
    ("SR-0036-02", "农户在公共道路旁堆放木材和砖块。", "文化礼堂旁"),
    ("GH-0065-01", "村民在自家院内新建钢棚，未见规划许可公示。", "3组民房后"),
    ("SR-0011-01", "新开农家乐在路边设置大型广告牌，未经审批。", "省道旁"),
    ("SR-0026-01", "有车辆在溪边空地倾倒建筑垃圾。", "溪滩空地"),
    ("NY-0078-01", "耕地上打地基疑似建房，面积约80平方米。", "村北耕地"),
    ("LY-0076-01", "后山有人砍伐杉木十余株，未见采伐证。", "后山林地"),
    ("SL-0044-01", "夜间有挖机在河道内采砂。", "乌溪江河滩"),
    ("ST-0118-01", "小吃店油烟直排，邻居多次投诉。", "集镇老街"),
]

# Cases that end without a penalty (行政处罚法 第五十七条), so a new user sees each way out:
# opened, then closed by the leader with the step and its arguments (decided today).
CASE_EXITS = [
    {
        "case": {
            "procedure": "general",
            "matter_code": "SR-0036-02",
            "party": {"kind": "person", "name": "叶某某", "id_number": "330802198203150021"},
            "facts": "当事人在村道旁临时堆放砖块约2立方米，经告知后当日清理完毕。",
            "first_violation": True,
            "consequence": "slight",
            "corrected_in_time": True,
        },
        "end": (
            "decide_no_penalty",
            {
                "ground": "first_minor",
                "education": "向当事人讲解占道堆放的规定，当事人表示今后不再堆放。",
            },
        ),
    },
    {
        "case": {
            "procedure": "general",
            "matter_code": "SR-0036-02",
            "party": {"kind": "person", "name": "徐某某", "id_number": "330802197511080035"},
            "facts": "群众反映有人在溪边堆放杂物，经查杂物系村集体临时放置。",
        },
        "end": ("find_not_established", {"reason": "经查堆放物系村集体防汛物资，非当事人所为。"}),
    },
    {
        "case": {
            "procedure": "general",
            "matter_code": "SR-0036-02",
            "party": {"kind": "organisation", "name": "某建材经营部"},
            "facts": "某建材经营部在店外人行道堆放建材，经查其同时无证经营危险化学品。",
        },
        "end": (
            "transfer_case",
            {
                "agency": "县应急管理局",
                "reason": "无证经营危险化学品不属本机关职权，依法移送有管辖权的机关。",
                "received_by": "县应急管理局 王某",
            },
        ),
    },
    {
        "case": {
            "procedure": "general",
            "matter_code": "SR-0036-02",
            "party": {"kind": "person", "name": "陈某某", "id_number": "330802196907220018"},
            "facts": "立案后发现同一堆放行为已由相邻乡镇立案查处。",
        },
        "end": ("revoke_opening", {"reason": "同一违法行为已由相邻乡镇先行立案，本案撤销立案。"}),
    },
    {
        "case": {
            "procedure": "general",
            "matter_code": "SR-0036-02",
            "party": {"kind": "person", "name": "蒋某某", "id_number": "330802198811040017"},
            "facts": "当事人在村道旁堆放废旧物品，经查堆放物中有疑似被盗的电力电缆约300米。",
        },
        # 行刑衔接: a suspected theft goes to the police (the time of receipt is the demo's).
        "end": (
            "hand_over",
            {"police_unit": "区公安分局航埠派出所", "received_by": "值班民警 刘某"},
        ),
    },
]

# The demo's cases, each from a clue an officer took: what the case says, and how far it got.
# A party's address names its township's first village ("{village}"): the decision needs it
# (art. 59), and its public copy (art. 48) shows the address taken out.
CASE_STORIES = [
    {
        "case": {
            "procedure": "general",
            "matter_code": "SR-0036-02",
            "party": {
                "kind": "person",
                "name": "方某某",
                "id_number": "330802197805120036",
                "address": "{village}3组18号",
            },
            "facts": "当事人在村道公共区域长期堆放木材约12立方米，经劝阻未清理，影响通行。",
            "first_violation": True,
            "consequence": "slight",
        },
        "place": "文化礼堂旁村道",
        "penalty_fen": 500_00,
        "discretion_level": "一般",
    },
    {
        "case": {
            "procedure": "general",
            "matter_code": "GH-0065-01",
            "party": {
                "kind": "person",
                "name": "郑某某",
                "id_number": "330802196911230017",
                "address": "{village}5组6号",
            },
            "facts": "当事人在宅基地院内搭建钢结构棚约60平方米，未能提供规划许可。",
            "major_violation": True,
        },
        "ask": {
            "department": "ZRZY",
            "kind": "determination",
            "question": "请认定该钢棚所在地块的规划用途，以及是否需要办理乡村建设规划许可。",
        },
    },
]
