"""The seed report (临湘市委网信办 2021, shared/seed/000_e5b9e981f373749d.txt) as a Snapshot.

Typed into the template as a finance officer would; the narrative is verbatim. Other check
tests import `seed_raw()` / `seed_snapshot()` from here; this module also tests the seed itself.
"""

from __future__ import annotations

NARRATIVE = {
    'narrative.overview': (
        '（一）部门（单位）基本情况\n'
        '\n'
        '临湘市网信办成立于2019年，其工作职能主要体现在网络宣传、网络舆情管控、网络安全、网络信息化四个方面，内设综合办公室（网络建设协调指挥股）、网络宣传与社会工作股2个股室,1个下属事业单位（市互联网信息研究中心）,独立核算机构为1个。\n'
        '部门（单位）整体支出规模、使用方向和主要内容、涉及范围等。\n'
        '\n'
        '本年支出合计96万元，其中：基本支出66万元，占68.75%；项目支出30万元，占31.25%。主要用于全市网信工作会议，网络值班及上级网信办要求的其他支出以及对接各级网信部门及协调各级网媒、联络网络意见人员、处置涉临网络舆情等支出\n'
    ),
    'narrative.basic_spending': (
        '2021年度财政拨款基本支出66万元，其中:人员经费43.4万元，占基本支出的65.75%，主要包括基本工资、津贴补贴、奖金、伙食补助费、绩效工资、机关事业单位基本养老保险缴费、职业年金缴费、职工基本医疗保险缴费、公务员医疗补助缴费、其他社会保障缴费、住房公积金、医疗费、其他工资福利支出、离休费、退休费、抚恤金、生活补助、医疗费补助、奖励金、其他对个人和家庭的补助；公用经费22.6万元，占基本支出的34.25%，主要包括办公费、印刷费、咨询费、手续费、水费、电费、邮电费、取暖费、物业管理费、差旅费、因公出国（境）费用、维修（护）费、租赁费、会议费、培训费、公务接待费、专用材料费、劳务费、委托业务费、工会经费、福利费、公务用车运行维护费、其他交通费用、税金及附加费用、其他商品和服务支出、办公设备购置、专用设备购置、信息网络及软件购置更新、公务用车购置、其他交通工具购置、文物和陈列品购置、无形资产购置、其他资本性支出、赠与。\n'
    ),
    'narrative.project_spending': (
        '1、专项资金安排落实、总投入等情况分析\n'
        '\n'
        '2021年共安排项目资金30万元，主要用于全市网信工作会议，网络值班及上级网信办要求的其他支出以及对接各级网信部门及协调各级网媒、联络网络意见人员、处置涉临网络舆情等支出\n'
    ),
    'narrative.organization': (
        '（一）专项组织情况分析\n'
        '\n'
        '按照绩效自评要求，我局组织成立了绩效评价工作小组，组织学习国家法律法规，贯彻落实相关政策，制定了部门整体支出绩效评价实施方案，设计了绩效评价指标体系。核查了2020年市级财政预算批复执行及部门整体支出情况，着重核查了“三公”经费及专项资金情况。对内设机构，根据职能和年初制定的绩效考核目标，进行了实地绩效考评。\n'
    ),
    'narrative.management': (
        '（二）专项管理情况分析\n'
        '\n'
        '1、严格预算支出管理。在支出预算编制上，人员经费按照配置定额，逐人核定编制，公用经费分类分档，按定额编制；根据“总量控制、计划管理”的要求从严控制行政经费，压缩公务费开支，严格控制“三公”经费，资产的配置严格政府采购，按照预算科目和项目资金的规定使用财政资金，保障部门整体支出的规范化、制度化。\n'
        '\n'
        '2、财务管理按制度运行。根据国家法律法规，省市相关文件规定，认真执行临湘市财政局《关于进一步加强我市行政事业单位财务管理工作的通知》，各项支出并严格按照省市相关文件和制度执行，防范风险，保证财政资金的安全和高效运行。\n'
    ),
    'narrative.performance': (
        '（一）加强党的领导，完善正能量传播体系\n'
        '\n'
        '一是压实“两个责任”。全面落实网络意识形态工作责任制和网络安全工作责任制，坚持做到“四个纳入”（纳入重要议事日程、纳入党建工作责任制、纳入执行党的纪律尤其是政治纪律和政治规矩监督检查范围、纳入年终综合绩效考评），进一步压实了各级党委（党组）履行“两个责任制”的主体责任。出台了《临湘市党员和公职人员网络行为管理暂行办法》并推动落地落细，严格规范党员和公职人员网络行为。二是规范涉政网络平台。开展规范移动互联网应用程序和整治“指尖上的形式主义”专项行动，共整合应用程序1个、停止不必要考核排名应用程序2个，督促整改涉政新媒体账号3个，并协助完成了临湘新闻网等平台的新闻资质申报，有效规范了涉政网络平台。三是唱新唱响网络宣传。以临湘新闻网（红网临湘分站）和品质临湘app为主阵地，突出抓好习近平总书记“守护好一江碧水”及在湖南考察调研重要指示精神的网上宣传，围绕市委市政府中心工作，设立专题专栏10多个，推送原创和上级稿件共计3526条。同时，开展了2021年网评员培训，组织网评员队伍完成各级引导任务40多次，有效引导了社会舆论。\n'
        '\n'
        '（二）全面监测预警，有效管控网络舆情\n'
        '\n'
        '一是全面监测。市委网信办实行24小时网络舆情监测，并与市委办、公安、应急等部门舆情信息共享互通，把住风险预警关口，确保舆情监测无盲区死角。二是及时办理。按照报告、交办、反馈的程序，共上报《涉临网络舆情快报》2期、《涉临网络舆情周报》42期，下发《涉临网络舆情处置函》210期，快速稳妥处置了“羊楼司城管打人”等多起突发敏感舆情。一年来，全市网络舆情系统交办数（突发敏感舆情交办数）远低于岳阳各县市平均交办量，且有效反馈率100%。三是完善机制。出台了《临湘市突发事件网络舆情应急处置预案》，并根据重要时间节点和工作要求，有针对性的制订如《湖南省第十二次党代会期间临湘市网络舆情应急处置预案》等专项预案，确保属地网络舆论稳定可控。\n'
        '\n'
        '（三）积极会商联处，打开网络综合治理新局面\n'
        '\n'
        '建体系。制订出台了临湘市《关于加快建立网络综合治理体系的实施方案》，构建了市委网信委负责牵头抓总、统筹谋划、研究部署，市委网信办具体协调推进、督促落实，各级各相关部门依据职责抓好任务落实的网络综合治理体系。勤联动。加强与政法委、统战、公安、文旅广、教体等部门的纵向联动，先后开展了“清朗·暑期未成年人网络环境整治”、爆炸危险物品安全隐患百日排查整治等专项行动，有力保障了属地网络环境。强处置。市委网信办始终保持对网络违法犯罪行为“零容忍”的态度，联合公安部门对散布“临湘市人民医院有一个人检测出新冠肺炎为阳性”谣言的毛某某予以辟谣检讨和罚款500元行政处罚，对散布“乱抓车，搞死几个”谣言的曾某、刘某分别处以行政拘留处罚；主动向省委、岳阳市委网信办汇报，经中央网信办批准，封停了恶意发布涉我市不实负面舆情的境外网站“华夏早报”，该案处置结果被省委网信办作为典型案例予以通报。\n'
        '\n'
        '（四）检查宣传并举，提升网络安全防护水平\n'
        '\n'
        '一是常态化检查督导。2021年，根据上级统一部署，对我市电子政务外网先后开展了网络安全专项检查和网络安全攻防演练。同时，还以网络安全等级保护建设为重点对20多家单位和企业开展了专项检查。二是及时预警督办。今年来，根据省、市网络安全预警，先后指导督促相关单位完成敏感信息泄露事件整改2起、所属IP对外进行数据库密码爆破攻击事件整改1起。三是创新宣传方式。为切实提升群众网络安全防护意识，市委网信办自筹资金在长安街道三角坪社区采取“社区+小区+学校”模式打造了网络安全示范社区，并以10月份国家网络安全周宣传活动为载体，组织相关单位全面开展网络安全进校园、进社区、进家庭等网络安全宣传普及活动，宣传效果明显。\n'
    ),
    'narrative.problems': (
        '1.预算管理制度不够完善，年初预算不够精细，尚未建立规范的预算制度和标准化管理体系。\n'
        '\n'
        '2.预算绩效管理缺乏专职专业管理人员。目前，市网信办预算绩效工作人员主要以办公室工作人员为主，绩效管理专业知识和能力存在不足。\n'
        '\n'
        '3.内控制度有待加强。虽然已制定相关制度，但执行力度还不够。\n'
    ),
    'narrative.improvements': (
        '1.加强预算编制培训工作。细化预算编制工作，认真做好预算的编制。对接财政，结合单位实际情况，科学合理编制部门预算，做到尽可能全面、不漏项，既满足本单位的工作需要，又做到厉行节约，在日常性工作经费压减10%的形势下保证单位正常运转。\n'
        '\n'
        '2.加大宣传、指导和培训力度。部门整体支出绩效评估是一项专业性较强的工作，需要继续加强对单位绩效管理人员的培训、宣传力度，让预算整体支出绩效评估理念贯穿于财务工作始终。\n'
    ),
}

from decimal import Decimal  # noqa: E402
from typing import Any  # noqa: E402

from selfeval_xl.check import check_snapshot  # noqa: E402
from selfeval_xl.model.snapshot import Snapshot  # noqa: E402

SCALARS: dict[str, Any] = {
    "report.region": "临湘市",
    "dept.name": "中共临湘市委网络安全和信息化委员会办公室",
    "report.year": 2021.0,
    "report.method": "部门（单位）绩效自评",
    "report.evaluator": "部门（单位）评价组",
    "report.date": "2022年  9月 6日",
    "report.issuer": "中共临湘市委网络安全和信息化委员会办公室",
    "contact.name": "袁君来",
    "contact.phone": 15080990101.0,
    "staff.authorized": 7.0,
    "staff.actual": 4.0,
    "dept.functions": "负责处理市委网络安全和信息化委员会日常事务工作，督促落实涉及全市网络安全和信息化重大事项；"
                      "负责协调处理网络安全和信息化重大突发事件与有关应急工作指导协调全市网络安全和信息化领域的对外交流和合作。"
                      "指导、检查、推动全市网络安全和信息化工作",
    "dept.tasks": "任务1：舆情管控\n\n任务2：网络宣传\n\n任务3：网络安全\n\n任务4：市委中心工作",
    "dept.achievements": "市委网信办在市委、市政府的坚强领导和上级网信部门的精心指导下，统筹推进网络意识形态和网络安全工作"
                         "两个责任制的落实，攻坚克难，守正创新，全市网信工作取得新进展。",
    "income.total": 96.0, "income.carryover": 16.18, "income.general_budget": 79.82,
    "income.gov_fund": 0.0, "income.special_account": 0.0, "income.other": 0.0,
    "expenditure.total": 96.0, "expenditure.basic": 66.0, "expenditure.personnel": 42.26,
    "expenditure.public": 23.74, "expenditure.project": 30.0,
    "balance.current": 0.0, "balance.accumulated": 0.0,
    "three_public.total": 2.0, "three_public.reception": 2.0, "three_public.vehicle_operation": 0.0,
    "three_public.vehicle_purchase": 0.0, "three_public.overseas": 0.0,
    "assets.total": 19.65, "assets.in_use": 19.65, "assets.leased": 0.0, "assets.other": 0.0,
    "evaluation.score": 90.0,
    "evaluation.grade": "优",
    "preparer.name": "袁君来",
    "preparer.phone": "15080990101",
}

GOALS = [("目标1：舆情管控\n目标2：网络宣传\n目标3：网络安全\n目标4：市委中心工作", "全部完成")]

# (一级, 二级, 三级, 绩效目标, 完成情况); blank 一级/二级 continue the row above, as merged cells do
INDICATORS = [
    ("产出目标", "质量指标", "网络宣传", "网络宣传",
     "根据中央、省委、岳阳市委网信办指令，主要由值班同志统筹核心网评员限时完成转评赞任务。"),
    (None, None, "中心工作", "中心工作", "推动全市网络安全和信息化工作"),
    (None, "数量指标", "舆情管控", "舆情管控", "完成任务"),
    (None, None, "网络宣传", "网络宣传",
     "以临湘新闻网（红网临湘分站）和品质临湘app为主阵地，突出抓好习近平总书记“守护好一江碧水”及在湖南考察调研重要指示精神的"
     "网上宣传，围绕市委市政府中心工作，设立专题专栏10多个，推送原创和上级稿件共计3526条。同时，开展了2021年网评员培训，"
     "组织网评员队伍完成各级引导任务40多次，有效引导了社会舆论。"),
    (None, None, "网络安全", "网络安全",
     "开展规范移动互联网应用程序和整治“指尖上的形式主义”专项行动，共整合应用程序1个、停止不必要考核排名应用程序2个，"
     "督促整改涉政新媒体账号3个，并协助完成了临湘新闻网等平台的新闻资质申报，有效规范了涉政网络平台"),
    ("产出目标", "时效指标", "预算执行情况", "预算执行情况", "按时按质完成任务"),
    (None, "成本指标", "预算执行情况", "预算执行情况", "按时按质完成任务"),
    ("效益目标", "社会效益", "社会满意度", "社会满意度", "良好"),
    (None, "经济效益", "无", "无", None),
    (None, "生态效益", "无", "无", None),
    (None, "社会公众或服务对象满意度", "社会满意度", "社会满意度", "良好"),  # under 效益目标, as in the seed
]

EVALUATORS = [("廖智", "副主任", "市委网信办"), ("刘立星", "副主任", "市委网信办")]


def seed_raw() -> dict[str, Any]:
    """Raw cell contents as a reader would hand them over (numbers as floats)."""
    raw: dict[str, Any] = dict(SCALARS)
    raw.update({k: "".join(v) for k, v in NARRATIVE.items()})
    for i, (target, actual) in enumerate(GOALS, start=1):
        raw[f"goals[{i}].target"], raw[f"goals[{i}].actual"] = target, actual
    cols = ("level1", "level2", "level3", "target", "actual")
    for i, row in enumerate(INDICATORS, start=1):
        for col, v in zip(cols, row, strict=True):
            raw[f"indicators[{i}].{col}"] = v
    for i, (name, title, unit) in enumerate(EVALUATORS, start=1):
        raw[f"evaluators[{i}].name"], raw[f"evaluators[{i}].title"], raw[f"evaluators[{i}].unit"] = name, title, unit
    return raw


def snapshot(raw: dict[str, Any], units: int = 1) -> Snapshot:
    return Snapshot(path="x.xlsx", template_id="dept-selfeval", template_version="1.0", units=units, raw=raw)


def seed_snapshot() -> Snapshot:
    return snapshot(seed_raw())


def codes_of(sub: Any) -> list[str]:
    return [f.code for f in sub.findings]


def test_seed_has_no_error() -> None:
    sub = check_snapshot(seed_snapshot())
    errors = [f for f in sub.findings if f.severity == "error"]
    assert errors == [], [f.message for f in errors]
    assert sub.status == "warn"


def test_seed_values_are_typed() -> None:
    sub = check_snapshot(seed_snapshot())
    assert sub.values["expenditure.personnel"] == Decimal("42.26")
    assert sub.values["report.year"] == 2021
    assert sub.values["staff.actual"] == 4
    assert sub.values["contact.phone"] == "15080990101"
    assert str(sub.values["report.date"]) == "2022-09-06"
    assert len(sub.tables["indicators"]) == len(INDICATORS)
    assert sub.tables["indicators"][2]["_row"] == 3 and sub.tables["indicators"][2]["actual"] == "完成任务"
    assert [r["name"] for r in sub.tables["evaluators"]] == ["廖智", "刘立星"]
    assert sub.tables["explanations"] == []


def test_seed_warnings_are_exactly_the_real_ones() -> None:
    sub = check_snapshot(seed_snapshot())
    got = sorted((f.code, f.field or "", f.args.get("reported", "")) for f in sub.findings)
    assert got == sorted([
        ("narrative-mismatch", "narrative.basic_spending", "43.4"),
        ("narrative-mismatch", "narrative.basic_spending", "22.6"),
        ("placeholder-text", "narrative.overview", ""),
        ("qualitative-answer", "indicators[3].actual", ""),
        ("qualitative-answer", "indicators[6].actual", ""),
        ("qualitative-answer", "indicators[7].actual", ""),
    ])
