"""The 6-level funnel (levels, names, win probabilities; docs/opportunities.md) with its entry
checklists, and common lost reasons."""

from django.db import migrations

STAGES = [
    (
        1,
        "确定",
        10,
        ["已收集客户信息", "已确定关键人物", "已了解组织结构", "已确认需求", "已约定首次会面"],
    ),
    (
        2,
        "接触",
        25,
        [
            "决策人、制定政策的人、有影响力的人和最终使用者均已识别并参与",
            "已安排会面",
            "关键需求和候选方案已确认",
            "每次会面均已记录",
        ],
    ),
    (
        3,
        "有资格",
        50,
        [
            "需求已达成一致",
            "客户收益与我方方案已明确",
            "已确认客户的支付能力",
            "已制定交付与安装计划",
        ],
    ),
    (4, "已发展", 75, ["客户已审阅方案/设计", "已召开答疑会", "客户已认可我方报价/方案"]),
    (
        5,
        "已承诺",
        90,
        [
            "客户认为我方是最佳选择",
            "双方已就商务和技术条款达成一致",
            "客户已选定供应商，合同已签订",
        ],
    ),
    (6, "安全收回全款", 100, ["终验已通过", "进度款及质保金已全部收回"]),
]
LOST_REASONS = [
    "价格偏高",
    "技术方案不符",
    "客户关系不足",
    "交期无法满足",
    "预算取消或项目搁置",
    "竞争对手更强",
    "其他",
]


def create_defaults(apps, schema_editor):
    FunnelStage = apps.get_model("opportunities", "FunnelStage")
    ChecklistItem = apps.get_model("opportunities", "ChecklistItem")
    for level, name, probability, items in STAGES:
        stage, created = FunnelStage.objects.get_or_create(
            level=level, defaults={"name": name, "win_probability": probability}
        )
        if created:
            for order, text in enumerate(items, start=1):
                ChecklistItem.objects.create(stage=stage, text=text, sort_order=order)
    LostReason = apps.get_model("opportunities", "LostReason")
    for order, name in enumerate(LOST_REASONS, start=1):
        LostReason.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
