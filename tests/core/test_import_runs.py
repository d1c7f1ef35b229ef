"""Background Excel imports (ImportRun): a large confirmed file is queued, checked again and
applied by a worker in one transaction, with progress and a report on /imports/<id>/.

The web tests speak Chinese (the site's default) and assert the Chinese lines they show; the
service tests run in English and assert the exact `row n, column: message` lines.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from customers.models import Customer, OwnershipEvent
from receivables.models import Receivable
from salesops.celery import app
from salesops.core import import_runs
from salesops.core.import_runs import import_run_execute, import_run_start
from salesops.core.models import ImportRun
from salesops.core.tasks import import_run_apply
from tests.core.test_celery_roundtrip import worker  # noqa: F401  (a fixture)
from tests.customers.xlsx_helpers import CODE_1, CODE_2, xlsx_bytes, xlsx_upload
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CUSTOMER_ROWS = [
    ["企业全称", "统一社会信用代码", "负责人", "客户等级"],
    ["福州闽江机电有限公司", CODE_1, "rep1", "A"],
    ["深圳南山电子有限公司", CODE_2, "rep2", "B"],
    ["rep2的客户", None, "rep2", "C"],
]
BALANCE_ROWS = [
    ["客户", "单据号", "开票日期", "到期日", "金额", "已收"],
    ["福州闽江机电有限公司", "QC-1", "2025-09-01", "2025-10-31", 1200, 200],
    ["福州闽江机电有限公司", "QC-2", "2025-09-02", "2025-11-30", 800, None],
]


@pytest.fixture
def media(settings, tmp_path, monkeypatch) -> Path:
    """Uploads and run files in a private folder per test; a low threshold; eager tasks."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_BACKGROUND_ROWS = 2
    monkeypatch.setattr("customers.views.imports.IMPORT_DIR", tmp_path / "imports")
    monkeypatch.setattr("receivables.views.imports.IMPORT_DIR", tmp_path / "imports")
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    return tmp_path


def customer_state():
    return Customer.objects.count(), Customer.history.count(), OwnershipEvent.objects.count()


def xlsx_file(tmp_path: Path, rows, name="upload.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows))
    return path


def queued(actor, kind, path: Path, total: int) -> ImportRun:
    """A run as confirm leaves it, its task not sent (on_commit never fires in these tests)."""
    return import_run_start(actor=actor, kind=kind, path=path, total_rows=total)


def test_a_file_above_the_threshold_is_applied_by_a_task_with_a_report(
    client, org, customers, media, django_capture_on_commit_callbacks
):
    client.force_login(org["manager1"])
    before = customer_state()
    preview = client.post(reverse("customer_import"), {"file": xlsx_upload(CUSTOMER_ROWS)})
    assert preview.context["plan"].problems == []

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        confirmed = client.post(reverse("customer_import"), {"confirm": "1"})

    run = ImportRun.objects.get()
    assert len(callbacks) == 1
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/imports/{run.pk}/"
    assert (run.kind, run.created_by, run.status) == ("customers", org["manager1"], "done")
    assert (run.total_rows, run.rows_done, run.imported_count) == (3, 3, 3)
    assert (run.problems, run.error) == ([], "")
    assert run.started_at is not None
    assert run.finished_at is not None
    assert Customer.objects.get(name="福州闽江机电有限公司").tier == "A"
    assert Customer.objects.get(name="深圳南山电子有限公司").owner == org["rep2"]
    assert Customer.objects.get(name="rep2的客户").tier == "C"
    assert Customer.objects.count() == before[0] + 2
    page = client.get(confirmed["Location"]).content.decode()
    assert "完成：已导入 3 行。" in page
    assert 'hx-trigger="every 2s"' not in page  # finished: no more polling


def test_a_file_at_the_threshold_is_applied_in_the_request_as_before(
    client, org, customers, media, settings
):
    settings.IMPORT_BACKGROUND_ROWS = 3
    client.force_login(org["manager1"])
    client.post(reverse("customer_import"), {"file": xlsx_upload(CUSTOMER_ROWS)})

    confirmed = client.post(reverse("customer_import"), {"confirm": "1"})

    assert confirmed["Location"] == reverse("customer_list")
    assert ImportRun.objects.count() == 0
    assert Customer.objects.filter(name="福州闽江机电有限公司").exists()


def test_opening_balances_above_the_threshold_go_to_the_background(
    client, org, media, django_capture_on_commit_callbacks
):
    CustomerFactory(name="福州闽江机电有限公司", owner=org["rep1"])
    client.force_login(org["finance1"])
    rows = [*BALANCE_ROWS, ["福州闽江机电有限公司", "QC-3", "2025-09-03", "2025-12-31", 50, 50]]
    client.post(reverse("opening_balance_import"), {"file": xlsx_upload(rows)})

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("opening_balance_import"), {"confirm": "1"})

    run = ImportRun.objects.get()
    assert confirmed["Location"] == run.get_absolute_url()
    assert (run.kind, run.status, run.imported_count) == ("opening_balances", "done", 3)
    assert sorted(Receivable.objects.values_list("number", "amount", "allocated")) == [
        ("QC-1", 1200, 200),
        ("QC-2", 800, 0),
        ("QC-3", 50, 50),
    ]


def test_a_file_that_fails_the_check_at_apply_time_writes_nothing(english, org, tmp_path, settings):
    # Given the same file confirmed twice: the first run imports it, so for the second every
    # number is "already imported" when the worker checks it again.
    settings.MEDIA_ROOT = tmp_path / "media"
    CustomerFactory(name="福州闽江机电有限公司", owner=org["rep1"])
    path = xlsx_file(tmp_path, BALANCE_ROWS)
    first = queued(org["finance1"], ImportRun.Kind.OPENING_BALANCES, path, 2)
    second = queued(org["finance1"], ImportRun.Kind.OPENING_BALANCES, path, 2)
    assert import_run_execute(run_id=first.pk) == "done"
    written = list(Receivable.objects.order_by("pk").values_list("pk", "number", "amount"))

    # When the second is applied
    assert import_run_execute(run_id=second.pk) == "failed"

    # Then it is failed with the exact lines, and wrote nothing
    second.refresh_from_db()
    assert second.status == "failed"
    assert second.problems == [
        "row 2, 单据号: already imported",
        "row 3, 单据号: already imported",
    ]
    assert (second.imported_count, second.error) == (0, "")
    assert second.rows_done == 2  # the check's progress, committed outside the transaction
    assert list(Receivable.objects.order_by("pk").values_list("pk", "number", "amount")) == written


def test_a_customer_saved_by_another_team_meanwhile_fails_the_run(english, org, tmp_path, settings):
    # Given a clean file for manager1, then rep3 (another team) saves one of its names
    settings.MEDIA_ROOT = tmp_path / "media"
    path = xlsx_file(tmp_path, CUSTOMER_ROWS[:3])
    run = queued(org["manager1"], ImportRun.Kind.CUSTOMERS, path, 2)
    CustomerFactory(name="深圳南山电子有限公司", owner=org["rep3"])
    before = customer_state()

    import_run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == "failed"
    assert run.problems == ["row 3, 企业全称: this customer exists and belongs to another team"]
    assert customer_state() == before


def test_a_refused_file_fails_with_its_message(english, org, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "not.xlsx"
    path.write_bytes(b"hello")
    run = queued(org["manager1"], ImportRun.Kind.CUSTOMERS, path, 5)

    import_run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.problems) == ("failed", [])
    assert run.error == "This is not an Excel .xlsx file (save it as .xlsx and retry)."


def test_a_second_execution_of_the_task_does_nothing(org, customers, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = xlsx_file(tmp_path, CUSTOMER_ROWS)
    run = queued(org["manager1"], ImportRun.Kind.CUSTOMERS, path, 3)
    assert import_run_apply.apply(args=[run.pk, "en"]).get() == "done"
    after_first = customer_state()
    run.refresh_from_db()
    finished_at = run.finished_at

    assert import_run_apply.apply(args=[run.pk, "en"]).get() == "skipped"

    run.refresh_from_db()
    assert (run.status, run.imported_count, run.finished_at) == ("done", 3, finished_at)
    assert customer_state() == after_first


def test_a_run_another_worker_is_running_is_not_taken(org, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    run = queued(org["manager1"], ImportRun.Kind.CUSTOMERS, xlsx_file(tmp_path, CUSTOMER_ROWS), 3)
    ImportRun.objects.filter(pk=run.pk).update(status="running")
    before = customer_state()

    assert import_run_execute(run_id=run.pk) == "skipped"

    run.refresh_from_db()
    assert (run.status, run.finished_at) == ("running", None)
    assert customer_state() == before


def test_progress_is_recorded_every_progress_every_rows(org, tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(import_runs, "PROGRESS_EVERY", 2)
    recorded: list[int] = []
    original = import_runs._ProgressRows._record
    monkeypatch.setattr(
        import_runs._ProgressRows,
        "_record",
        lambda self, done: (recorded.append(done), original(self, done)),
    )
    rows = [CUSTOMER_ROWS[0], *[[f"客户{n}", None, "rep1", "B"] for n in range(5)]]
    run = queued(org["manager1"], ImportRun.Kind.CUSTOMERS, xlsx_file(tmp_path, rows), 5)

    import_run_execute(run_id=run.pk)

    assert recorded == [2, 4, 5]
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.imported_count) == ("done", 5, 5)


@pytest.fixture
def run_of_manager1(org, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return queued(org["manager1"], ImportRun.Kind.CUSTOMERS, xlsx_file(tmp_path, CUSTOMER_ROWS), 3)


@pytest.mark.parametrize(
    ("username", "status"),
    [("manager1", 200), ("admin", 200), ("manager2", 404), ("rep1", 404), ("finance1", 404)],
)
def test_a_run_is_seen_by_its_creator_and_admins_only(
    client, org, run_of_manager1, username, status
):
    client.force_login(org[username])
    assert client.get(run_of_manager1.get_absolute_url()).status_code == status
    status_url = reverse("import_run_status", args=[run_of_manager1.pk])
    assert client.get(status_url).status_code == status


def test_the_status_fragment_shows_the_progress_and_polls_until_finished(
    client, org, run_of_manager1
):
    ImportRun.objects.filter(pk=run_of_manager1.pk).update(
        status="running", total_rows=1000, rows_done=400
    )
    client.force_login(org["manager1"])
    url = reverse("import_run_status", args=[run_of_manager1.pk])

    html = client.get(url).content.decode()

    assert "已检查 400 / 1000 行…" in html
    assert 'aria-valuenow="40"' in html
    assert "width: 40%" in html
    assert f'hx-get="{url}"' in html
    assert 'hx-trigger="every 2s"' in html


def test_a_failed_run_lists_the_refused_rows(client, org, run_of_manager1):
    ImportRun.objects.filter(pk=run_of_manager1.pk).update(
        status="failed", problems=["row 2, 企业全称: 必填", "row 3, 负责人: 必填"]
    )
    client.force_login(org["manager1"])

    html = client.get(run_of_manager1.get_absolute_url()).content.decode()

    assert "2 行被拒绝，未导入任何数据。请修改文件后重新上传。" in html
    assert "<li>row 2, 企业全称: 必填</li>" in html
    assert "<li>row 3, 负责人: 必填</li>" in html
    assert "hx-get" not in html


def test_the_task_runs_in_the_language_of_the_confirm(org, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "not.xlsx"
    path.write_bytes(b"hello")
    with translation.override("zh-hans"):
        run = queued(org["manager1"], ImportRun.Kind.CUSTOMERS, path, 5)
    import_run_apply.apply(args=[run.pk, "zh-hans"]).get()
    run.refresh_from_db()
    with translation.override("zh-hans"):
        expected = translation.gettext(
            "This is not an Excel .xlsx file (save it as .xlsx and retry)."
        )
    assert run.error == expected != "This is not an Excel .xlsx file (save it as .xlsx and retry)."


@pytest.fixture
def worker_on_test_db(monkeypatch, transactional_db):
    """The worker of test_celery_roundtrip, pointed at this test's (committed) database."""
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("a worker process needs a shared PostgreSQL database")
    monkeypatch.setenv(
        "DATABASE_URL", url.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    )


@pytest.mark.services
def test_a_real_worker_applies_a_run(worker_on_test_db, worker, org, tmp_path):  # noqa: F811
    path = xlsx_file(tmp_path, CUSTOMER_ROWS[:3])
    run = import_run_start(
        actor=org["manager1"], kind=ImportRun.Kind.CUSTOMERS, path=path, total_rows=2
    )

    result = import_run_apply.apply_async(args=[run.pk, "en"], queue=worker)

    assert result.get(timeout=60) == "done"
    run.refresh_from_db()
    assert (run.status, run.imported_count, run.rows_done) == ("done", 2, 2)
    assert sorted(Customer.objects.values_list("name", flat=True)) == [
        "深圳南山电子有限公司",
        "福州闽江机电有限公司",
    ]


def test_admins_see_runs_read_only_in_the_admin(client, org, run_of_manager1):
    client.force_login(org["admin"])
    changelist = client.get(reverse("admin:core_importrun_changelist"))
    change = client.get(reverse("admin:core_importrun_change", args=[run_of_manager1.pk]))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 1
    assert change.status_code == 200
    assert "_save" not in change.content.decode()
    assert client.get(reverse("admin:core_importrun_add")).status_code == 403
