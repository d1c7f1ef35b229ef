"""Demo customers for seed_demo: ~60 Chinese companies across tiers and regions, with contacts
and a few months of follow-ups. Deterministic (fixed seed) and idempotent: an existing customer
is left as it is, so a rerun adds nothing."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customers.jobs import customer_release_idle
from customers.models import Contact, Customer, FollowUp, TierRule
from customers.rules.credit_code import ALPHABET, check_character
from customers.services.customers import customer_create
from customers.services.followups import followup_log
from salesops.accounts.models import User
from salesops.core.models import Region

CITIES = {
    "华东": ["上海", "苏州", "杭州", "南京", "宁波", "无锡", "合肥", "常州"],
    "华北": ["北京", "天津", "石家庄", "太原", "唐山"],
    "华南": ["深圳", "广州", "东莞", "佛山"],
    "华中": ["武汉", "长沙", "郑州"],
    "西南": ["成都", "重庆"],
}
BRANDS = [
    "润华",
    "恒通",
    "新纪元",
    "金陵",
    "宏达",
    "华信",
    "卓越",
    "凯瑞",
    "鼎盛",
    "远航",
    "中科",
    "瑞丰",
    "天成",
    "博达",
    "永泰",
    "启明",
    "嘉禾",
    "东方",
    "锦程",
    "正邦",
]
INDUSTRIES = [
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
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
]
TITLES = [
    ("总经理", "decision_maker"),
    ("采购经理", "purchaser"),
    ("技术总监", "influencer"),
    ("财务总监", "policy_maker"),
    ("设备主管", "end_user"),
]
TOPICS = [
    ("介绍新一代产品方案，客户对节能指标感兴趣", "希望看到同行业案例", "发送案例资料", 5),
    ("回访上次报价，客户认为价格偏高", "预算在审批中", "准备优化报价", 7),
    ("现场查看设备使用情况", "运行稳定，提出两处改进建议", "安排技术人员上门", 10),
    ("沟通年度采购计划", "下季度有扩产计划", "约采购经理面谈", 14),
    ("节日问候并了解近况", "近期无新需求", "", 0),
    ("技术交流会，演示试用版本", "技术部认可，等待领导决策", "跟进决策进度", 7),
]
# Per rep: (owner, region, tier mix)
PLAN = [
    ("rep1", "华东", 20),
    ("rep2", "华东", 18),
    ("rep3", "华北", 16),
    ("manager1", "华东", 2),
    ("manager2", "华北", 2),
]
TIER_WEIGHTS = {"A": 2, "B": 3, "C": 4, "D": 2}


def demo_credit_code(rng: random.Random) -> str:
    body = "91" + "".join(rng.choice("0123456789") for _ in range(6))
    body += "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)


@transaction.atomic
def seed_customers(*, today=None) -> int:
    """Create the demo customers that do not exist yet; returns how many were created."""
    rng = random.Random(20261123)  # noqa: S311 - demo data, not security
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    admin = User.objects.get(username="admin")
    rules = {rule.tier: rule for rule in TierRule.objects.all()}
    created = 0
    used_names: set[str] = set()
    for owner_name, home_region, count in PLAN:
        owner = User.objects.get(username=owner_name)
        for index in range(count):
            region_name = home_region if rng.random() < 0.75 else rng.choice(list(CITIES))
            city = rng.choice(CITIES[region_name])
            product, industry = rng.choice(INDUSTRIES)
            name = f"{city}{rng.choice(BRANDS)}{product}有限公司"
            while name in used_names:
                name = f"{city}{rng.choice(BRANDS)}{product}股份有限公司"
            used_names.add(name)
            # Everything about one customer comes from its own generator, so whether earlier
            # customers already existed (a rerun) never shifts what this one gets.
            rng_c = random.Random(f"20261123-{name}")  # noqa: S311
            tier = rng_c.choices(list(TIER_WEIGHTS), weights=list(TIER_WEIGHTS.values()))[0]
            code = demo_credit_code(rng_c)
            contacts = [
                (rng_c.choice(SURNAMES) + rng_c.choice(GIVEN) + rng_c.choice(["", *GIVEN]), *title)
                for title in rng_c.sample(TITLES, k=rng_c.randint(1, 3))
            ]
            history_days = rng_c.randint(60, 150)
            idle_factor = rng_c.choice([0.3, 0.6, 0.9, 1.1, 1.3, 1.6, 0.5, 0.8, 2.8, 3.5])
            bp = Decimal(rng_c.choice([0, 300_000, 800_000, 1_500_000, 5_000_000]))
            if Customer.objects.filter(name=name).exists():
                continue
            owner_since = timezone.make_aware(
                datetime.combine(today - timedelta(days=history_days), time(9)), tz
            )
            customer = customer_create(
                actor=admin,
                owner=owner,
                now=owner_since,
                name=name,
                credit_code=code,
                legal_rep=contacts[0][0],
                address=f"{city}市高新区创业路{rng_c.randint(1, 999)}号",
                phone=f"0{rng_c.randint(10, 99)}-{rng_c.randint(60000000, 89999999)}",
                industry=industry,
                region=Region.objects.get(name=region_name),
                source=rng_c.choice([s for s, _label in Customer.Source.choices]),
                status=Customer.Status.ACTIVE if tier in "AB" else Customer.Status.PROSPECT,
                tier=tier,
                buying_power=bp or None,
                credit_limit=Decimal(rng_c.choice([100_000, 300_000, 500_000, 1_000_000])),
                payment_terms_days=rng_c.choice([30, 45, 60, 90]),
                is_key_account=tier == "A" and index % 3 == 0,
            )
            people = [
                Contact.objects.create(
                    customer=customer,
                    name=person,
                    title=title,
                    decision_role=role,
                    mobile=f"1{rng_c.choice('3578')}{rng_c.randint(100000000, 999999999)}",
                    wechat=f"wx_{rng_c.randint(1000, 9999)}",
                )
                for person, title, role in contacts
            ]
            created += 1
            # Follow-ups at roughly the tier's cadence, ending idle_factor intervals ago.
            interval = rules[tier].followup_interval_days
            last = today - timedelta(days=round(interval * idle_factor))
            day = today - timedelta(days=history_days - rng_c.randint(1, 5))
            while day <= last:
                occurred = timezone.make_aware(
                    datetime.combine(
                        day, time(rng_c.randint(9, 17), rng_c.choice([0, 15, 30, 45]))
                    ),
                    tz,
                )
                content, feedback, step, step_days = rng_c.choice(TOPICS)
                late = rng_c.random() < 0.12
                followup_log(
                    actor=owner,
                    customer=customer,
                    occurred_at=occurred,
                    channel=rng_c.choice(["visit", "phone", "phone", "wechat", "email"]),
                    content=content,
                    contact=rng_c.choice(people),
                    feedback=feedback,
                    next_step=step,
                    next_step_due=day + timedelta(days=step_days) if step else None,
                    risk_note="竞品正在接触客户" if rng_c.random() < 0.08 else "",
                    now=occurred
                    + (timedelta(hours=rng_c.randint(30, 60)) if late else timedelta(hours=2)),
                )
                day += timedelta(days=max(1, round(interval * rng_c.uniform(0.7, 1.3))))
    # Old next steps are done; the recent ones stay open for the due lists.
    FollowUp.objects.filter(
        next_step_due__lt=today - timedelta(days=7), next_step_done_at__isnull=True
    ).update(next_step_done_at=timezone.now())
    # Customers idle past their tier's limit go to the pool, as the nightly job would do.
    if created:
        customer_release_idle(as_of=today)
    return created
