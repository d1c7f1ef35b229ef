"""Printable PDFs: the reminder letter, the lawyer's letter draft and the customer statement.
Read back with poppler (pdftotext, pdffonts) to prove the Chinese text, the exact capital amounts
and the embedded Noto Sans SC font; the statement's arithmetic is checked on a hand-made history.
"""

import re
import shutil
import subprocess
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from receivables import statements
from receivables.aging import cny_capital
from receivables.models import ReceivableSettings
from receivables.services import payment_record, payment_void, receivable_write_off
from salesops.core.pdf import FontDirFetcher, ascii_filename, font_path, pdf_response, render_pdf
from tests.conftest import service_missing

pytestmark = pytest.mark.django_db
D = Decimal


# --- Reading PDFs back ---------------------------------------------------------------------------


@pytest.fixture
def poppler():
    for tool in ("pdftotext", "pdffonts", "pdfinfo"):
        if shutil.which(tool) is None:
            service_missing(f"{tool} not found (apt-get install poppler-utils)")


def _run_on_pdf(content: bytes, *command: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(content)
        result = subprocess.run(
            [*command, str(path), *(["-"] if command[0] == "pdftotext" else [])],
            capture_output=True,
            check=True,
            timeout=60,
        )
    return result.stdout.decode("utf-8")


def pdf_text(content: bytes) -> str:
    return _run_on_pdf(content, "pdftotext", "-enc", "UTF-8")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_in_pdf(text: str, *expected: str) -> None:
    """Each expected string appears in the PDF's text, wherever a line happens to wrap."""
    flat = squash(text)
    for item in expected:
        assert squash(item) in flat, item


def pdf_fonts(content: bytes) -> list[tuple[str, str]]:
    """(font name without the subset tag, emb column) per font in the PDF."""
    lines = _run_on_pdf(content, "pdffonts").splitlines()[2:]
    fonts = []
    for line in lines:
        columns = line.split()
        # name, type (1-2 words), encoding, emb, sub, uni, object, id: emb is 5th from the end.
        fonts.append((columns[0].split("+", 1)[-1], columns[-5]))
    return fonts


def assert_noto_embedded(content: bytes) -> None:
    fonts = pdf_fonts(content)
    assert fonts, "the PDF has no fonts"
    # Only our Noto Sans SC files, all embedded: no fallback to whatever the server has.
    assert all(name.startswith("Noto-Sans-SC") for name, _emb in fonts), fonts
    assert all(emb == "yes" for _name, emb in fonts), fonts
    assert "Noto-Sans-SC" in {name for name, _emb in fonts}  # the Chinese subset


def assert_pdf_response(response, filename: str) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{filename}"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    return response.content


# --- render_pdf and its helpers ------------------------------------------------------------------


@pytest.fixture
def locmem_templates(settings):
    def use(**templates):
        settings.TEMPLATES = [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", templates)]},
            }
        ]

    return use


def test_render_pdf_embeds_noto_sans_sc_and_reads_back_as_chinese(poppler, locmem_templates):
    locmem_templates(
        **{
            "doc.html": "<h1>温馨提醒函</h1><p>尊敬的{{ name }}：金额 ¥123,456.78，"
            "<b>大写：{{ words }}</b>。Invoice AR-2025-001</p>"
        }
    )
    content = render_pdf("doc.html", {"name": "苏州恒通", "words": cny_capital(D("123456.78"))})
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert "壹拾贰万叁仟肆佰伍拾陆元柒角捌分" in text  # on one line, exactly
    assert_in_pdf(text, "温馨提醒函", "尊敬的苏州恒通", "Invoice AR-2025-001")
    assert_in_pdf(text, "1 / 1")  # page number in the footer
    assert_noto_embedded(content)
    info = _run_on_pdf(content, "pdfinfo")
    assert "(A4)" in info


def test_render_pdf_autoescapes_and_fetches_nothing_outside_the_font_dir(poppler, locmem_templates):
    locmem_templates(**{"doc.html": '<p>{{ name }}</p><img src="file:///etc/hostname"><p>完</p>'})
    content = render_pdf("doc.html", {"name": "<b>恶意</b>客户"})
    assert_in_pdf(pdf_text(content), "<b>恶意</b>客户", "完")  # shown as text, not markup


def test_font_fetcher_serves_only_the_font_directory():
    fetcher = FontDirFetcher()
    response = fetcher.fetch(font_path("chinese-simplified", 400).as_uri())
    body = response.read()
    assert body[:4] in (b"\x00\x01\x00\x00", b"OTTO")  # WOFF decoded once, to plain sfnt
    for url in (
        "file:///etc/passwd",
        font_path("latin", 400).parent.as_uri() + "/../../package.json",
        "http://example.com/font.woff",
        "data:text/plain,hello",
    ):
        with pytest.raises(ValueError, match="PDF rendering"):
            fetcher.fetch(url)


def test_render_pdf_refuses_to_run_without_the_fonts(settings, tmp_path):
    settings.PDF_FONT_DIR = tmp_path
    with pytest.raises(ImproperlyConfigured, match="noto-sans-sc-chinese-simplified-400"):
        render_pdf("receivables/pdf/reminder.html", {})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("reminder-AR-2025-001.pdf", "reminder-AR-2025-001.pdf"),
        ("对账单 苏州恒通 2025.pdf", "2025.pdf"),
        ('a"b\r\nc;d.pdf', "a-b-c-d.pdf"),
        ("对账单", "document.pdf"),
        ("Café statement", "Cafe-statement.pdf"),
    ],
)
def test_ascii_filename(given, expected):
    assert ascii_filename(given) == expected


def test_pdf_response_is_inline_with_an_ascii_name():
    response = pdf_response(b"%PDF-1.7 test", "律师函-AR-9.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="AR-9.pdf"'
    assert response["Content-Length"] == "13"


# --- The three documents -------------------------------------------------------------------------


@pytest.fixture
def big_invoice(invoice):
    today = timezone.localdate()
    return invoice(
        "AR-2025-0815", today - timedelta(days=45), "123456.78", issued=today - timedelta(days=75)
    )


def test_reminder_letter(client, org, buyer, big_invoice, poppler):
    client.force_login(org["finance1"])
    response = client.get(reverse("receivable_reminder_pdf", args=[big_invoice.pk]))
    content = assert_pdf_response(response, "reminder-AR-2025-0815.pdf")
    text = pdf_text(content)
    assert "壹拾贰万叁仟肆佰伍拾陆元柒角捌分" in text
    assert_in_pdf(
        text,
        "温馨提醒函",
        "致：苏州恒通电子科技有限公司",
        "AR-2025-0815",
        "¥123,456.78",
        "（大写：人民币壹拾贰万叁仟肆佰伍拾陆元柒角捌分）",
        "已逾期 45 天",
        "SalesOps 演示公司（盖章）",
    )
    assert "草稿" not in text
    assert_noto_embedded(content)


def test_lawyer_letter_draft_uses_the_open_balance(client, org, buyer, big_invoice, poppler):
    payment_record(
        actor=org["finance1"],
        customer=buyer,
        date=timezone.localdate() - timedelta(days=10),
        amount=D("23456.78"),
        method="transfer",
    )
    client.force_login(org["manager1"])
    response = client.get(reverse("receivable_lawyer_pdf", args=[big_invoice.pk]))
    content = assert_pdf_response(response, "lawyer-letter-draft-AR-2025-0815.pdf")
    text = pdf_text(content)
    assert_in_pdf(text, "律师函", "草稿", "DRAFT", "致：苏州恒通电子科技有限公司", "AR-2025-0815")
    # The invoiced amount, what is still owed, and the penalty: 100000.00 x 0.0005 x 45 days.
    assert_in_pdf(
        text,
        "¥123,456.78（大写：人民币壹拾贰万叁仟肆佰伍拾陆元柒角捌分）",
        "¥100,000.00（大写：人民币壹拾万元整）",
        "已逾期 45 天",
        "¥2,250.00（大写：人民币贰仟贰佰伍拾元整）",
    )
    assert_noto_embedded(content)


# --- Statement arithmetic ------------------------------------------------------------------------

MARCH = (date(2025, 3, 1), date(2025, 3, 31))


@pytest.fixture
def history(org, buyer, invoice):
    """A quarter of a customer's life, with partial payments, a void and a write-off.

    Before March: R1 10,000.00 (due 02-09) and R2 5,000.00 (due 03-17) issued; P1 4,000.00 on
    02-20 paid R1 in part.  Opening on 03-01: 15,000.00 - 4,000.00 = 11,000.00.
    March: R3 2,345.67 issued 03-05; P2 3,000.00 on 03-10 (to R1); P3 1,000.00 on 03-12, voided;
    P4 2,500.50 on 03-20 (to R1, leaving 499.50); R2 written off 800.00 on 03-25; P6 300.00 on
    03-28 left unapplied.  April: P5 1,000.00 on 04-05 pays R1's 499.50 and 500.50 of R2.
    """
    finance = org["finance1"]

    def pay(on, amount, **kwargs):
        return payment_record(
            actor=finance,
            customer=buyer,
            date=on,
            amount=D(amount),
            method="transfer",
            reference=kwargs.pop("reference", f"BANK-{on:%m%d}"),
            **kwargs,
        )

    r1 = invoice("R1", date(2025, 2, 9), "10000.00", issued=date(2025, 1, 10))
    r2 = invoice("R2", date(2025, 3, 17), "5000.00", issued=date(2025, 2, 15))
    pay(date(2025, 2, 20), "4000.00")
    r3 = invoice("R3", date(2025, 4, 4), "2345.67", issued=date(2025, 3, 5))
    pay(date(2025, 3, 10), "3000.00")
    voided = pay(date(2025, 3, 12), "1000.00")
    payment_void(actor=finance, payment=voided, reason="银行退票")
    pay(date(2025, 3, 20), "2500.50")
    receivable_write_off(
        actor=finance, receivable=r2, amount=D("800.00"), reason="质量折让", on=date(2025, 3, 25)
    )
    pay(date(2025, 3, 28), "300.00", allocate=False)
    pay(date(2025, 4, 5), "1000.00")
    settings_row = ReceivableSettings.load()
    settings_row.penalty_daily_rate = D("0.0005")
    settings_row.save()
    return {"r1": r1, "r2": r2, "r3": r3}


def rows(result):
    return [(line.date, line.kind, line.debit, line.credit, line.balance) for line in result.lines]


def test_statement_opening_lines_running_balance_closing_and_penalty(buyer, history):
    result = statements.statement(customer=buyer, start=MARCH[0], end=MARCH[1])
    assert result.opening_balance == D("11000.00")
    assert rows(result) == [
        (date(2025, 3, 5), "receivable", D("2345.67"), D("0.00"), D("13345.67")),
        (date(2025, 3, 10), "payment", D("0.00"), D("3000.00"), D("10345.67")),
        (date(2025, 3, 20), "payment", D("0.00"), D("2500.50"), D("7845.17")),
        (date(2025, 3, 25), "write_off", D("0.00"), D("800.00"), D("7045.17")),
    ]
    assert [line.reference for line in result.lines] == ["R3", "BANK-0310", "BANK-0320", "R2"]
    assert result.total_debit == D("2345.67")
    assert result.total_credit == D("6300.50")
    assert result.closing_balance == D("7045.17")
    # As of 03-31: R1 499.50 open, 50 days late; R2 4,200.00 open, 14 days late; R3 not due.
    # 499.50 x 0.0005 x 50 = 12.4875 -> 12.49; 4200 x 0.0005 x 14 = 29.40.
    assert result.daily_rate == D("0.0005")
    assert [
        (p.receivable.number, p.overdue_balance, p.days_overdue, p.penalty)
        for p in result.penalty_lines
    ] == [
        ("R1", D("499.50"), 50, D("12.49")),
        ("R2", D("4200.00"), 14, D("29.40")),
    ]
    assert result.penalty == D("41.89")
    assert result.unapplied == D("300.00")
    # Exact Decimal all the way through.
    assert all(isinstance(line.balance, Decimal) for line in result.lines)


def test_statement_periods_chain_and_end_today_matches_the_books(buyer, history):
    april = statements.statement(customer=buyer, start=date(2025, 4, 1), end=date(2025, 4, 30))
    assert april.opening_balance == D("7045.17")
    assert rows(april) == [(date(2025, 4, 5), "payment", D("0.00"), D("1000.00"), D("6045.17"))]
    assert april.closing_balance == D("6045.17")
    # R1 is paid; R2 3,699.50 open 44 days: 81.389 -> 81.39 (R3 due 04-04: 2,345.67 x 26 days
    # x 0.0005 = 30.49371 -> 30.49).
    assert april.penalty == D("81.39") + D("30.49")

    everything = statements.statement(
        customer=buyer, start=date(2025, 1, 1), end=timezone.localdate()
    )
    assert everything.opening_balance == D("0.00")
    books = sum((r.balance for r in buyer.receivables.all()), D("0.00"))
    assert everything.closing_balance == books == D("6045.17")
    # The voided payment shows nowhere.
    assert "BANK-0312" not in [line.reference for line in everything.lines]


def test_statement_with_nothing_in_the_period(buyer, history):
    result = statements.statement(customer=buyer, start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert result.opening_balance == result.closing_balance == D("0.00")
    assert result.lines == []
    assert result.penalty == result.unapplied == D("0.00")


def test_statement_refuses_a_reversed_period(buyer):
    with pytest.raises(ValueError, match="start"):
        statements.statement(customer=buyer, start=date(2025, 2, 1), end=date(2025, 1, 31))


def test_statement_pdf(client, org, buyer, history, poppler):
    client.force_login(org["finance1"])
    url = reverse("customer_statement_pdf", args=[buyer.pk])
    response = client.get(url, {"start": "2025-03-01", "end": "2025-03-31"})
    content = assert_pdf_response(response, f"statement-{buyer.pk}-20250301-20250331.pdf")
    text = pdf_text(content)
    for expected in (
        "客户往来明细表（对账单）",
        "苏州恒通电子科技有限公司",
        "2025-03-01 至 2025-03-31",
        "¥11,000.00",  # opening
        "壹万壹仟元整",
        "R3",
        "BANK-0310",
        "¥13,345.67",  # running balances
        "¥7,845.17",
        "坏账核销 · 质量折让",
        "¥7,045.17",  # closing
        "柒仟零肆拾伍元壹角柒分",
        "¥41.89",  # penalty
        "肆拾壹元捌角玖分",
        "¥300.00",  # unapplied, beside the balance
        "客户确认",
        "SalesOps 演示公司",
    ):
        assert_in_pdf(text, expected)
    assert "柒仟零肆拾伍元壹角柒分" in text
    assert "BANK-0312" not in text  # the voided payment
    assert "BANK-0405" not in text  # after the period
    assert_noto_embedded(content)


# --- Access and input ----------------------------------------------------------------------------


@pytest.fixture
def urls(buyer, big_invoice):
    return [
        reverse("receivable_reminder_pdf", args=[big_invoice.pk]),
        reverse("receivable_lawyer_pdf", args=[big_invoice.pk]),
        reverse("customer_statement_pdf", args=[buyer.pk]),
    ]


def test_urls_are_under_receivables(buyer, big_invoice, urls):
    assert urls == [
        f"/receivables/{big_invoice.pk}/reminder.pdf",
        f"/receivables/{big_invoice.pk}/lawyer-letter.pdf",
        f"/receivables/customers/{buyer.pk}/statement.pdf",
    ]


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("rep1", 200),
        ("rep2", 404),
        ("rep3", 404),
        ("manager1", 200),
        ("manager2", 404),
        ("finance1", 200),
        ("admin", 200),
    ],
)
def test_pdfs_only_within_the_viewers_scope(client, org, urls, username, status):
    client.force_login(org[username])
    for url in urls:
        response = client.get(url)
        assert response.status_code == status, (username, url)
        if status == 404:
            assert response["Content-Type"] != "application/pdf"


def test_pdfs_need_login_and_get(client, org, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    client.force_login(org["finance1"])
    assert client.post(urls[0]).status_code == 405


def test_unknown_objects_are_404(client, org):
    client.force_login(org["finance1"])
    assert client.get(reverse("receivable_reminder_pdf", args=[999999])).status_code == 404
    assert client.get(reverse("customer_statement_pdf", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2025-13-01", "end": "2025-12-31"},
        {"start": "yesterday", "end": "2025-12-31"},
        {"start": "20250101", "end": "20250131"},
        {"start": "2025-01-01"},
        {"end": "2025-01-31"},
        {"start": "2025-01-01", "end": ""},
        {"start": "2025-02-01", "end": "2025-01-31"},
    ],
)
def test_statement_bad_period_is_400_with_a_message(client, org, buyer, query):
    client.force_login(org["finance1"])
    response = client.get(reverse("customer_statement_pdf", args=[buyer.pk]), query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    message = response.content.decode()
    assert "YYYY-MM-DD" in message or "start" in message.lower() or "开始" in message


def test_statement_bad_period_outside_scope_is_still_404(client, org, buyer):
    client.force_login(org["rep2"])
    response = client.get(reverse("customer_statement_pdf", args=[buyer.pk]), {"start": "x"})
    assert response.status_code == 404


def test_statement_defaults_to_the_current_month(client, org, buyer, poppler):
    client.force_login(org["rep1"])
    response = client.get(reverse("customer_statement_pdf", args=[buyer.pk]))
    today = timezone.localdate()
    assert response.status_code == 200
    assert_in_pdf(
        pdf_text(response.content), f"{today.replace(day=1):%Y-%m-%d} 至 {today:%Y-%m-%d}"
    )


@pytest.mark.django_db
def test_statement_credits_what_was_paid_before_go_live(org):
    from datetime import date
    from decimal import Decimal

    from customers.services.customers import customer_create
    from receivables.services import receivable_create
    from receivables.statements import statement

    customer = customer_create(actor=org["rep1"], name="期初客户")
    receivable_create(
        actor=org["finance1"],
        customer=customer,
        number="OB-9",
        issue_date=date(2026, 1, 5),
        due_date=date(2026, 2, 5),
        amount=Decimal("1000"),
        source="opening",
        allocated=Decimal("400"),
    )
    result = statement(
        customer=customer,
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        daily_rate=Decimal("0.0005"),
    )
    assert (result.opening_balance, result.closing_balance) == (Decimal("600"), Decimal("600"))
    # 600 × 0.05 % × 54 days overdue on 03-31
    assert sum(line.penalty for line in result.penalty_lines) == Decimal("16.20")
