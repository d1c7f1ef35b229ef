"""The benchmark book's customers (`generate_dataset`): Pareto-distributed revenue and the tiers
it implies, contacts with decision roles, follow-ups at each tier's cadence, ownership events;
written by COPY, one customer at a time, without history rows."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext, override

from customers.rules.credit_code import ALPHABET, check_character
from salesops.accounts.dataset import GIVEN, SURNAMES, People
from salesops.core.dataset import Load, Plan, allot, fetch, money

CITY_LIST = (  # noqa: SIM905
    "上海 苏州 杭州 南京 宁波 无锡 合肥 常州 北京 天津 唐山 深圳 "
    "广州 东莞 佛山 武汉 长沙 郑州 成都 重庆 西安 兰州 沈阳 大连 "
    "长春 太原 石家庄 哈尔滨"
).split()
SYLLABLES = "润华恒通新纪元金陵宏达信卓越凯瑞鼎盛远航中科丰天成博永泰启明嘉禾东方锦程正邦德安鑫源汇"
PRODUCTS = [
    ("精密机械", "装备制造"),
    ("电子科技", "电子信息"),
    ("智能装备", "装备制造"),
    ("化工材料", "化工"),
    ("环保设备", "环保"),
    ("物流", "物流"),
    ("医药", "医药"),
    ("新能源", "能源"),
    ("汽车零部件", "汽车"),
    ("建设发展", "建筑"),
]
_TITLE_NAMES = "总经理 采购经理 技术总监 财务总监 设备主管 项目经理 采购专员".split()  # noqa: SIM905
_ROLES = "decision_maker purchaser influencer policy_maker end_user influencer purchaser".split()  # noqa: SIM905
TITLES = list(zip(_TITLE_NAMES, _ROLES, strict=True))  # the first is every customer's first contact
TOPICS = [
    ("介绍新一代产品方案，客户对节能指标感兴趣", "希望看到同行业案例", "发送案例资料"),
    ("回访上次报价，客户认为价格偏高", "预算在审批中", "准备优化报价"),
    ("现场查看设备使用情况", "运行稳定，提出两处改进建议", "安排技术人员上门"),
    ("沟通年度采购计划", "下季度有扩产计划", "约采购经理面谈"),
    ("节日问候并了解近况", "近期无新需求", ""),
    ("技术交流会，演示试用版本", "技术部认可，等待领导决策", "跟进决策进度"),
    ("催收到期货款", "承诺月底前付款", "月底确认到账"),
]
SOURCES = ["referral", "exhibition", "website", "cold_call", "partner", "tender", "other"]
# Share of customers per tier by revenue rank (A the top), their follow-up weights, and how
# many visits among their follow-ups.
TIER_SHARES = (("A", 0.10), ("B", 0.20), ("C", 0.40), ("D", 0.30))
FOLLOWUP_WEIGHT = {"A": 60.0, "B": 28.0, "C": 12.0, "D": 4.0}
CONTACT_WEIGHT = {"A": 3.0, "B": 2.0, "C": 1.2, "D": 0.6}
VISIT_SHARE = {"A": 0.45, "B": 0.3, "C": 0.15, "D": 0.05}
POOL_SHARE = 0.05
PARETO_ALPHA = 1.16  # the 80/20 rule


@dataclass(frozen=True)
class CustomerRow:
    """What the later loaders need of a customer."""

    id: int
    seller: int  # the owner, or the last owner of a pooled customer
    owner: int | None
    tier: str
    revenue_fen: int  # trailing 12 months
    terms: int
    rating: str
    created: date
    contacts: tuple[tuple[int, str], ...]  # (id, decision role)


def counts(plan: Plan) -> dict[str, int]:
    customers = plan.count(50_000, minimum=20)
    return {
        "customers": customers,
        "contacts": round(2.5 * customers),
        "followups": plan.count(1_000_000, minimum=customers),
    }


def customer_name(cid: int) -> tuple[str, str]:
    """A unique company name per id: city × two-syllable brand × product, in mixed radix over
    a scrambled id (names do not read in id order), then a numbered branch past the range."""
    syllables = len(SYLLABLES)
    space = len(CITY_LIST) * syllables * syllables * len(PRODUCTS)
    n = (cid * 7_919) % space
    n, product = divmod(n, len(PRODUCTS))
    n, s2 = divmod(n, syllables)
    n, s1 = divmod(n, syllables)
    city = CITY_LIST[n % len(CITY_LIST)]
    name, industry = PRODUCTS[product]
    branch = f"第{cid // space + 1}分公司" if cid >= space else ""
    return f"{city}{SYLLABLES[s1]}{SYLLABLES[s2]}{name}有限公司{branch}", industry


def credit_code(cid: int) -> str:
    body, n = "", cid
    for _ in range(9):
        n, digit = divmod(n, len(ALPHABET))
        body = ALPHABET[digit] + body
    first17 = f"91{310000 + cid % 90000:06d}"[:8] + body
    return first17 + check_character(first17)


def _tiers(plan: Plan, n: int) -> tuple[list[int], list[str]]:
    """Pareto revenue per customer (fen) and the tier its rank gives."""
    rng = plan.rng("revenue")
    revenue = [
        min(round(30_000_00 * (1 - rng.random()) ** (-1 / PARETO_ALPHA)), 200_000_000_00)
        for _ in range(n)
    ]
    order = sorted(range(n), key=lambda i: (-revenue[i], i))
    tiers = ["D"] * n
    start = 0
    for tier, share in TIER_SHARES:
        end = n if tier == "D" else start + round(share * n)
        for i in order[start:end]:
            tiers[i] = tier
        start = end
    return revenue, tiers


def load(plan: Plan, people: People) -> list[CustomerRow]:
    n = counts(plan)
    rules = {
        tier: (every, visit)
        for tier, every, visit in fetch(
            "SELECT tier, followup_interval_days, visit_interval_days FROM customers_tierrule"
        )
    }
    regions = [row[0] for row in fetch("SELECT id FROM core_region ORDER BY sort_order, id")]
    team_region = dict(fetch("SELECT manager_id, region_id FROM accounts_team"))
    manager_of_team = dict(enumerate(people.managers))
    with override(settings.LANGUAGE_CODE):  # records are written in the product's language
        created_reason = gettext("Created")
        idle_reason = gettext("Not followed up for %(days)s days")
    revenue, tiers = _tiers(plan, n["customers"])
    rng = plan.rng("allot")
    contact_counts = [
        1 + c
        for c in allot(
            n["contacts"] - n["customers"],
            [CONTACT_WEIGHT[t] * rng.uniform(0.5, 1.5) for t in tiers],
        )
    ]
    followup_counts = allot(
        n["followups"], [FOLLOWUP_WEIGHT[t] * rng.uniform(0.5, 1.5) for t in tiers]
    )

    load = Load(plan)
    customers = load.table("customers_customer", CUSTOMER_COLUMNS)
    contacts = load.table("customers_contact", CONTACT_COLUMNS)
    followups = load.table("customers_followup", FOLLOWUP_COLUMNS)
    events = load.table(
        "customers_ownershipevent",
        [
            "id",
            "customer_id",
            "kind",
            "from_owner_id",
            "to_owner_id",
            "reason",
            "actor_id",
            "job_key",
            "created_at",
        ],
    )
    rows: list[CustomerRow] = []
    contact_id = followup_id = event_id = 0
    today = plan.as_of
    for index in range(n["customers"]):
        cid = index + 1
        r = plan.rng("customer", cid)
        tier = tiers[index]
        seller = people.sellers[index % len(people.reps)] if r.random() > 0.02 else None
        seller = seller or people.managers[r.randrange(len(people.managers))]
        team = people.team_of_rep.get(seller)
        manager = manager_of_team[team] if team is not None else seller
        pooled = r.random() < POOL_SHARE
        created = today - timedelta(days=r.randint(60, 1800))
        every, visit_every = rules[tier]
        name, industry = customer_name(cid)
        region = team_region.get(manager) if r.random() < 0.75 else None
        region = region or regions[r.randrange(len(regions))]

        people_here = []
        for k in range(contact_counts[index]):
            contact_id += 1
            title, role = TITLES[(k + r.randrange(len(TITLES))) % len(TITLES)] if k else TITLES[0]
            person = r.choice(SURNAMES) + r.choice(GIVEN) + r.choice(["", *GIVEN])
            people_here.append((contact_id, role))
            contacts.add(
                contact_id,
                cid,
                person,
                title,
                f"1{r.choice('3578')}{r.randint(100000000, 999999999)}",
                "",
                "",
                f"wx_{cid}_{k}",
                role,
                "",
                plan.at(created, 10),
            )

        # Follow-ups spread from the later of creation and two years back to an idle gap before
        # today that is mostly within the tier's release limit.
        count = followup_counts[index]
        idle = round(every * r.choice([0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5, 3.2]))
        first = max(created, today - timedelta(days=730))
        last = max(first, today - timedelta(days=idle))
        span = (last - first).days
        last_any = last_visit = None
        for k in range(count):
            followup_id += 1
            day = first + timedelta(days=round(span * (k + r.random()) / count)) if count else last
            day = min(day, last)
            occurred = plan.at(day, r.randint(9, 17), r.choice((0, 15, 30, 45)))
            visit = r.random() < VISIT_SHARE[tier]
            content, feedback, step = TOPICS[r.randrange(len(TOPICS))]
            # The last contact often leaves a next step open (due soon or already overdue).
            latest = k == count - 1 and not pooled and r.random() < 0.6
            if latest and not step:
                step = TOPICS[0][2]
            due = (
                day + timedelta(days=r.randint(3, 14))
                if step and (latest or r.random() < 0.35)
                else None
            )
            done = None
            if (
                due is not None
                and not latest
                and (due < today - timedelta(days=10) or r.random() < 0.5)
            ):
                done = plan.at(min(due, today), 18)
            late = r.random() < 0.1
            logged = occurred + timedelta(hours=r.randint(30, 60) if late else 2)
            followups.add(
                followup_id,
                cid,
                people_here[r.randrange(len(people_here))][0],
                occurred,
                "visit" if visit else ("phone" if r.random() < 0.7 else "wechat"),
                content,
                feedback,
                step if due else "",
                due,
                done,
                "竞品正在接触客户" if r.random() < 0.05 else "",
                seller,
                logged,
                late,
            )
            last_any = max(last_any or occurred, occurred)
            if visit:
                last_visit = max(last_visit or occurred, occurred)

        revenue_fen = revenue[index]
        buying_power = round(revenue_fen * r.uniform(1.2, 6.0))
        sow = revenue_fen / buying_power
        rad = "R" if sow >= 0.5 else ("A" if sow < 0.2 and buying_power >= 100_000_000 else "D")
        rating = r.choices(
            "ABCD", weights={"A": (5, 4, 1, 0), "B": (3, 5, 2, 0)}.get(tier, (1, 4, 4, 1))
        )[0]
        terms = r.choice((30, 30, 45, 60, 60, 90))
        owner_since = plan.at(created, 9)
        pool_since = None
        owner = seller
        events.add(
            event_id := event_id + 1,
            cid,
            "created",
            None,
            seller,
            created_reason,
            people.admin,
            "",
            owner_since,
        )
        if pooled:
            released = today - timedelta(days=r.randint(1, 200))
            owner, pool_since = None, plan.at(released, 1)
            events.add(
                event_id := event_id + 1,
                cid,
                "released",
                seller,
                None,
                idle_reason % {"days": 3 * every},
                None,
                f"release:{released}",
                pool_since,
            )
        next_due = next_visit = None
        if owner is not None:
            base = max(last_any.date(), created) if last_any else created
            next_due = base + timedelta(days=every)
            if visit_every:
                base = max(last_visit.date(), created) if last_visit else created
                next_visit = base + timedelta(days=visit_every)
        customers.add(
            cid,
            name,
            credit_code(cid),
            SURNAMES[cid % len(SURNAMES)] + GIVEN[cid % len(GIVEN)],
            f"{name[:2]}市高新区创业路{r.randint(1, 999)}号",
            f"0{r.randint(10, 99)}-{r.randint(60000000, 89999999)}",
            industry,
            region,
            SOURCES[r.randrange(len(SOURCES))],
            {"A": "active", "B": "active", "C": "active"}.get(
                tier, r.choice(("prospect", "dormant", "lost"))
            ),
            "",
            None,
            owner,
            None if pooled else owner_since,
            pool_since,
            team + 1 if pooled and team is not None else None,
            tier,
            False,
            "",
            money(buying_power),
            money(revenue_fen),
            rad,
            rating,
            money(max(100_000_00, int(round(revenue_fen / 4, -6)))),
            terms,
            None,
            tier == "A" and r.random() < 0.3,
            False,
            None,
            "",
            last_any,
            next_due,
            last_visit,
            next_visit,
            owner_since,
            plan.at(today, 8),
        )
        rows.append(
            CustomerRow(
                id=cid,
                seller=seller,
                owner=owner,
                tier=tier,
                revenue_fen=revenue_fen,
                terms=terms,
                rating=rating,
                created=created,
                contacts=tuple(people_here),
            )
        )
    load.finish()
    return rows


CUSTOMER_COLUMNS = (  # noqa: SIM905
    "id name credit_code legal_rep address phone industry region_id source status "
    "initial_need deal_potential owner_id owner_since pool_since pool_team_id tier "
    "tier_locked tier_lock_reason buying_power trailing_revenue rad_type "
    "credit_rating credit_limit payment_terms_days group_id is_key_account "
    "credit_hold credit_hold_since credit_hold_reason last_followup_at "
    "next_followup_due last_visit_at next_visit_due created_at updated_at"
).split()
CONTACT_COLUMNS = (  # noqa: SIM905
    "id customer_id name title mobile phone email wechat decision_role note created_at"
).split()
FOLLOWUP_COLUMNS = (  # noqa: SIM905
    "id customer_id contact_id occurred_at channel content feedback next_step "
    "next_step_due next_step_done_at risk_note author_id logged_at is_late"
).split()


def credit_holds_apply(holds: dict[int, tuple]) -> int:
    """停止供货 as the book's escalation history left it: {customer id: (since, reason)}, since a
    naive Shanghai time like every moment of the book. One
    set-based UPDATE through a temporary table, no history rows (generated data)."""
    if not holds:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS dataset_hold")
        cursor.execute(
            "CREATE TEMPORARY TABLE dataset_hold (id bigint, since timestamptz, reason text) "
            "ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY dataset_hold (id, since, reason) FROM STDIN") as copy:
            for cid in sorted(holds):
                since, reason = holds[cid]
                copy.write_row((cid, f"{since}+08", reason))  # Shanghai wall-clock time
        cursor.execute(
            "UPDATE customers_customer c SET credit_hold = true, credit_hold_since = h.since, "
            "credit_hold_reason = h.reason FROM dataset_hold h WHERE c.id = h.id"
        )
        held = cursor.rowcount
        cursor.execute("DROP TABLE dataset_hold")
        return held
