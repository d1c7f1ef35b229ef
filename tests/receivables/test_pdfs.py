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

from customers.services.customers import customer_create
from receivables.models import ReceivableSettings
from receivables.rules.penalty import Segment
from receivables.selectors import statements
from receivables.services import (
    payment_record,
    payment_void,
    receivable_create,
    receivable_write_off,
)
from salesops.core.money import yuan_in_capitals
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


WATERMARK = str.maketrans("", "", "草稿DRAFT")


def assert_in_letter(text: str, *expected: str) -> None:
    """assert_in_pdf for the lawyer's letter: the rotated 草稿 DRAFT watermark's letters land
    between the words they cross in the extracted text, so they are left out on both sides."""
    assert_in_pdf(text.translate(WATERMARK), *(item.translate(WATERMARK) for item in expected))


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


def test_render_pdf_embeds_noto_sans_sc_and_reads_back_as_chinese(poppler, locmem_templates):
    locmem_templates(
        **{
            "doc.html": "<h1>温馨提醒函</h1><p>尊敬的{{ name }}：金额 ¥123,456.78，"
            "<b>大写：{{ words }}</b>。Invoice AR-2025-001</p>"
        }
    )
    content = render_pdf(
        "doc.html", {"name": "苏州恒通", "words": yuan_in_capitals(D("123456.78"))}
    )
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
    # The invoiced amount, what is still owed, and the penalty day by day: 123,456.78 for the
    # 35 days up to the payment, 100,000.00 for the 10 days since:
    # (4,320,987.30 + 1,000,000.00) x 0.0005 = 2,660.49365 -> 2,660.49.
    assert_in_letter(
        text,
        "¥123,456.78（大写：人民币壹拾贰万叁仟肆佰伍拾陆元柒角捌分）",
        "¥100,000.00（大写：人民币壹拾万元整）",
        "已逾期 45 天",
        "¥2,660.49（大写：人民币贰仟陆佰陆拾元肆角玖分）",
        "¥123,456.78 × 35 天",
        "¥100,000.00 × 10 天",
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
    # Penalty day by day to 03-31 (the voided 03-12 payment never lowered the base):
    # R1 due 02-09: 10,000 x 11 days (02-10..02-20) + 6,000 x 18 (02-21..03-10)
    #   + 3,000 x 10 (03-11..03-20) + 499.50 x 11 (03-21..03-31) = 253,494.50 yuan-days
    #   x 0.0005 = 126.74725 -> 126.75; before March: 110,000 + 6,000 x 8 = 158,000 -> 79.00,
    #   so 47.75 in March.
    # R2 due 03-17: 5,000 x 8 (03-18..03-25) + 4,200 x 6 (03-26..03-31) = 65,200 -> 32.60,
    #   all in March. R3 is not due.
    assert result.daily_rate == D("0.0005")
    assert [
        (p.receivable.number, p.overdue_balance, p.days_overdue, p.in_period, p.total)
        for p in result.penalty_lines
    ] == [
        ("R1", D("499.50"), 50, D("47.75"), D("126.75")),
        ("R2", D("4200.00"), 14, D("32.60"), D("32.60")),
    ]
    assert [(s.first, s.last, s.balance) for s in result.penalty_lines[0].segments] == [
        (date(2025, 2, 10), date(2025, 2, 20), D("10000.00")),
        (date(2025, 2, 21), date(2025, 3, 10), D("6000.00")),
        (date(2025, 3, 11), date(2025, 3, 20), D("3000.00")),
        (date(2025, 3, 21), date(2025, 3, 31), D("499.50")),
    ]
    assert result.penalty_in_period == D("80.35")
    assert result.penalty_total == D("159.35")
    assert result.unapplied == D("300.00")
    # Exact Decimal all the way through.
    assert all(isinstance(line.balance, Decimal) for line in result.lines)


def test_statement_periods_chain_and_end_today_matches_the_books(buyer, history):
    april = statements.statement(customer=buyer, start=date(2025, 4, 1), end=date(2025, 4, 30))
    assert april.opening_balance == D("7045.17")
    assert rows(april) == [(date(2025, 4, 5), "payment", D("0.00"), D("1000.00"), D("6045.17"))]
    assert april.closing_balance == D("6045.17")
    # R1 paid in full on 04-05 keeps its penalty: + 499.50 x 5 days (04-01..04-05) = 2,497.50
    # -> 255,992.00 yuan-days = 127.996 -> 128.00 in total, 1.25 of it in April.
    # R2: + 4,200 x 5 (04-01..04-05) + 3,699.50 x 25 (04-06..04-30) = 113,487.50 in April;
    # in total 178,687.50 -> 89.34375 -> 89.34, so 89.34 - 32.60 = 56.74 in April.
    # R3 due 04-04: 2,345.67 x 26 days = 60,987.42 -> 30.49371 -> 30.49.
    assert [(p.receivable.number, p.in_period, p.total) for p in april.penalty_lines] == [
        ("R1", D("1.25"), D("128.00")),
        ("R2", D("56.74"), D("89.34")),
        ("R3", D("30.49"), D("30.49")),
    ]
    assert april.penalty_in_period == D("88.48")
    assert april.penalty_total == D("247.83")
    # The March and April penalties add up to the total by April's end.
    march = statements.statement(customer=buyer, start=date(2025, 1, 1), end=MARCH[1])
    assert march.penalty_total + april.penalty_in_period == april.penalty_total

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
    assert result.penalty_in_period == result.penalty_total == result.unapplied == D("0.00")


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
        "2025-03-21 至 2025-03-31：¥499.50 × 11 天",  # how the penalty was counted
        "本期（2025-03-01 至 2025-03-31）产生违约金 ¥80.35（大写：人民币捌拾元叁角伍分）",
        "累计违约金 ¥159.35（大写：人民币壹佰伍拾玖元叁角伍分）",
        "¥300.00",  # unapplied, beside the balance
        "客户确认",
        "SalesOps 演示公司",
    ):
        assert_in_pdf(text, expected)
    assert "柒仟零肆拾伍元壹角柒分" in text
    assert "BANK-0312" not in text  # the voided payment
    assert "BANK-0405" not in text  # after the period
    assert_noto_embedded(content)


# --- The late-payment penalty on the three documents --------------------------------------------


@pytest.fixture
def today_is(monkeypatch):
    """Fix the date the documents are dated and computed to."""

    def set_today(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return set_today


@pytest.fixture
def example(org, invoice):
    """The issue's example: 10,000.00 due 2025-01-01, 9,000.00 paid on 2025-01-31, to a
    customer whose legal representative is 王建国."""
    customer = customer_create(
        actor=org["manager1"],
        owner=org["rep1"],
        name="杭州远景机械有限公司",
        legal_rep="王建国",
    )
    receivable = invoice(
        "AR-2025-0001", date(2025, 1, 1), "10000.00", issued=date(2024, 12, 2), customer=customer
    )
    payment = payment_record(
        actor=org["finance1"],
        customer=customer,
        date=date(2025, 1, 31),
        amount=D("9000.00"),
        method="transfer",
        reference="BANK-0131",
    )
    return {"customer": customer, "receivable": receivable, "payment": payment}


def penalty_rows(result):
    return [
        (p.receivable.number, p.overdue_balance, p.days_overdue, p.in_period, p.total)
        for p in result.penalty_lines
    ]


def test_statement_penalty_is_the_issue_example_165(example):
    customer = example["customer"]
    # From the due date to 03-02: all of it accrued in the period.
    whole = statements.statement(
        customer=customer, start=date(2025, 1, 1), end=date(2025, 3, 2), daily_rate=D("0.0005")
    )
    assert penalty_rows(whole) == [("AR-2025-0001", D("1000.00"), 60, D("165.00"), D("165.00"))]
    assert (whole.penalty_in_period, whole.penalty_total) == (D("165.00"), D("165.00"))
    # February 1 to March 2: only 1,000 x 30 days x 0.05 % accrued in it; the total stays.
    later = statements.statement(
        customer=customer, start=date(2025, 2, 1), end=date(2025, 3, 2), daily_rate=D("0.0005")
    )
    assert (later.penalty_in_period, later.penalty_total) == (D("15.00"), D("165.00"))


def test_statement_pdf_shows_the_period_penalty_and_the_total(client, org, example, poppler):
    client.force_login(org["rep1"])
    response = client.get(
        reverse("customer_statement_pdf", args=[example["customer"].pk]),
        {"start": "2025-02-01", "end": "2025-03-02"},
    )
    text = pdf_text(
        assert_pdf_response(response, f"statement-{example['customer'].pk}-20250201-20250302.pdf")
    )
    assert_in_pdf(
        text,
        "2025-01-02 至 2025-01-31：¥10,000.00 × 30 天",
        "2025-02-01 至 2025-03-02：¥1,000.00 × 30 天",
        "本期（2025-02-01 至 2025-03-02）产生违约金 ¥15.00（大写：人民币壹拾伍元整）",
        "截至 2025年3月2日 累计违约金 ¥165.00（大写：人民币壹佰陆拾伍元整）",
    )


def test_reminder_letter_shows_the_penalty_accrued_day_by_day(
    client, org, example, today_is, poppler
):
    today_is(date(2025, 3, 2))
    client.force_login(org["rep1"])
    response = client.get(reverse("receivable_reminder_pdf", args=[example["receivable"].pk]))
    text = pdf_text(assert_pdf_response(response, "reminder-AR-2025-0001.pdf"))
    assert_in_pdf(
        text,
        "日期：2025年3月2日",
        "已逾期 60 天",
        "¥1,000.00（大写：人民币壹仟元整）",
        "按照合同约定，逾期款项按每日 0.05% 计收违约金。",
        "截至 2025年3月2日，该款项已产生违约金 ¥165.00（大写：人民币壹佰陆拾伍元整）",
        "2025-01-02 至 2025-01-31 逾期 ¥10,000.00 × 30 天；"
        "2025-02-01 至 2025-03-02 逾期 ¥1,000.00 × 30 天。",
    )


def test_lawyer_letter_penalty_deadline_in_working_days_and_copy_to_the_legal_rep(
    client, org, example, today_is, poppler
):
    today_is(date(2025, 3, 2))  # a Sunday: 7 working days later is Tuesday 03-11
    client.force_login(org["manager1"])
    response = client.get(reverse("receivable_lawyer_pdf", args=[example["receivable"].pk]))
    text = pdf_text(assert_pdf_response(response, "lawyer-letter-draft-AR-2025-0001.pdf"))
    assert_in_letter(
        text,
        "截至 2025年3月2日 的逾期违约金为 ¥165.00（大写：人民币壹佰陆拾伍元整）",
        "计算明细（逾期金额 × 天数）：2025-01-02 至 2025-01-31 ¥10,000.00 × 30 天；"
        "2025-02-01 至 2025-03-02 ¥1,000.00 × 30 天。",
        "请贵司于本函发出之日起7个工作日内（即 2025年3月11日 前，含当日），将上述欠款 ¥1,000.00",
        "抄送：王建国（法定代表人）",
    )
    assert "七日内" not in squash(text)


def test_lawyer_letter_deadline_skips_the_golden_week_and_counts_make_up_saturdays(
    client, org, buyer, invoice, today_is, poppler
):
    # Fri 2025-09-26 + 7 working days: 09-28 (Sun, make-up), 09-29, 09-30, 10-09, 10-10,
    # 10-11 (Sat, make-up), 10-13.
    receivable = invoice("AR-2025-0700", date(2025, 7, 28), "5000.00", issued=date(2025, 6, 28))
    today_is(date(2025, 9, 26))
    client.force_login(org["finance1"])
    text = pdf_text(client.get(reverse("receivable_lawyer_pdf", args=[receivable.pk])).content)
    # 5,000.00 x 60 days (07-29..09-26) x 0.05 % = 150.00
    assert_in_letter(
        text,
        "已逾期 60 天",
        "¥150.00（大写：人民币壹佰伍拾元整）",
        "7个工作日内（即 2025年10月13日 前，含当日）",
        # No legal representative on file: a blank to fill in, never a wrong name.
        "抄送：（法定代表人）",
    )
    assert buyer.legal_rep == ""


def test_lawyer_letter_leaves_the_deadline_blank_beyond_the_calendar_data(
    client, org, example, today_is, poppler
):
    today_is(date(2026, 12, 28))  # 7 working days later is in 2027: no official calendar yet
    client.force_login(org["finance1"])
    response = client.get(reverse("receivable_lawyer_pdf", args=[example["receivable"].pk]))
    text = pdf_text(assert_pdf_response(response, "lawyer-letter-draft-AR-2025-0001.pdf"))
    assert_in_letter(text, "7个工作日内（即 年 月 日 前，含当日）", "抄送：王建国（法定代表人）")
    assert "2027年" not in text


def test_an_item_paid_in_full_late_keeps_its_penalty(client, org, example, today_is, poppler):
    payment_record(
        actor=org["finance1"],
        customer=example["customer"],
        date=date(2025, 2, 10),
        amount=D("1000.00"),
        method="transfer",
    )
    # 10,000 x 30 days + 1,000 x 10 days (02-01..02-10) = 310,000 x 0.05 % = 155.00
    result = statements.statement(
        customer=example["customer"],
        start=date(2025, 3, 1),
        end=date(2025, 3, 31),
        daily_rate=D("0.0005"),
    )
    assert result.closing_balance == D("0.00")
    assert penalty_rows(result) == [("AR-2025-0001", D("0.00"), 0, D("0.00"), D("155.00"))]
    today_is(date(2025, 3, 31))
    client.force_login(org["rep1"])
    text = pdf_text(
        client.get(reverse("receivable_reminder_pdf", args=[example["receivable"].pk])).content
    )
    assert_in_pdf(text, "已产生违约金 ¥155.00（大写：人民币壹佰伍拾伍元整）")


def test_a_voided_payment_restores_the_base(org, example):
    payment_void(actor=org["finance1"], payment=example["payment"], reason="银行退票")
    # Never paid: 10,000 x 60 days x 0.05 % = 300.00
    result = statements.statement(
        customer=example["customer"],
        start=date(2025, 1, 1),
        end=date(2025, 3, 2),
        daily_rate=D("0.0005"),
    )
    assert penalty_rows(result) == [("AR-2025-0001", D("10000.00"), 60, D("300.00"), D("300.00"))]
    assert result.penalty_lines[0].segments == (
        Segment(date(2025, 1, 2), date(2025, 3, 2), D("10000.00")),
    )


def test_a_write_off_lowers_the_base_from_its_date(org, example):
    receivable_write_off(
        actor=org["finance1"],
        receivable=example["receivable"],
        amount=D("400.00"),
        reason="质量折让",
        on=date(2025, 2, 10),
    )
    # 10,000 x 30 + 1,000 x 10 (02-01..02-10) + 600 x 20 (02-11..03-02) = 322,000 -> 161.00
    result = statements.statement(
        customer=example["customer"],
        start=date(2025, 1, 1),
        end=date(2025, 3, 2),
        daily_rate=D("0.0005"),
    )
    assert penalty_rows(result) == [("AR-2025-0001", D("600.00"), 60, D("161.00"), D("161.00"))]


def test_a_receivables_own_rate_wins_over_the_settings(org, example, invoice):
    settings_row = ReceivableSettings.load()
    settings_row.penalty_daily_rate = D("0.0003")
    settings_row.save()
    contract_rate = receivable_create(
        actor=org["finance1"],
        customer=example["customer"],
        number="AR-2025-0002",
        issue_date=date(2024, 12, 2),
        due_date=date(2025, 1, 1),
        amount=D("2000.00"),
        penalty_daily_rate=D("0.001"),
    )
    accruals = statements.receivable_penalties(
        receivables=[example["receivable"], contract_rate], end=date(2025, 3, 2)
    )
    # The 9,000 payment was applied before AR-2025-0002 existed. Settings' 0.03 % on
    # 330,000 yuan-days = 99.00; the item's own 0.1 % on 2,000 x 60 days = 120.00.
    assert accruals[example["receivable"].pk].total == D("99.00")
    assert accruals[contract_rate.pk].daily_rate == D("0.001")
    assert accruals[contract_rate.pk].total == D("120.00")
    result = statements.statement(
        customer=example["customer"], start=date(2025, 1, 1), end=date(2025, 3, 2)
    )
    assert [(p.receivable.number, p.daily_rate_percent, p.total) for p in result.penalty_lines] == [
        ("AR-2025-0001", "0.03", D("99.00")),
        ("AR-2025-0002", "0.1", D("120.00")),
    ]
    assert result.penalty_total == D("219.00")


def test_receivable_penalties_reads_in_two_queries(django_assert_num_queries, example, invoice):
    others = [
        invoice(f"AR-2025-01{i:02d}", date(2025, 1, 1), "100.00", customer=example["customer"])
        for i in range(5)
    ]
    receivables = [example["receivable"], *others]
    with django_assert_num_queries(2):
        accruals = statements.receivable_penalties(
            receivables=receivables, end=date(2025, 3, 2), default_rate=D("0.0005")
        )
    assert [accruals[r.pk].total for r in receivables] == [D("165.00")] + [D("3.00")] * 5


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
    ("query", "message"),
    [
        ({"start": "2025-13-01", "end": "2025-12-31"}, "开始日期: 输入一个有效的日期。"),
        ({"start": "yesterday", "end": "2025-12-31"}, "开始日期: 输入一个有效的日期。"),
        ({"start": "20250101", "end": "20250131"}, "结束日期: 输入一个有效的日期。"),
        ({"start": "2025-01-01"}, "请同时填写开始日期和结束日期。"),
        ({"end": "2025-01-31"}, "请同时填写开始日期和结束日期。"),
        ({"start": "2025-01-01", "end": ""}, "请同时填写开始日期和结束日期。"),
        ({"start": "2025-02-01", "end": "2025-01-31"}, "开始日期不能晚于结束日期。"),
        ({"period": "next_century"}, "对账期间: 选择一个有效的选项。"),
    ],
)
def test_statement_pdf_with_a_bad_period_shows_the_picker_with_a_message(
    client, org, buyer, query, message
):
    client.force_login(org["finance1"])
    response = client.get(reverse("customer_statement_pdf", args=[buyer.pk]), query, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert response.redirect_chain[0][0].startswith(
        reverse("customer_statement", args=[buyer.pk]) + "?"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert message in html
    assert 'data-testid="statement-pdf"' not in html  # no PDF link for a bad period


def test_statement_bad_period_outside_scope_is_still_404(client, org, buyer):
    client.force_login(org["rep2"])
    response = client.get(reverse("customer_statement_pdf", args=[buyer.pk]), {"start": "x"})
    assert response.status_code == 404


def test_statement_pdf_defaults_to_last_month(client, org, buyer, poppler):
    client.force_login(org["rep1"])
    response = client.get(reverse("customer_statement_pdf", args=[buyer.pk]))
    end = timezone.localdate().replace(day=1) - timedelta(days=1)
    assert response.status_code == 200
    assert_in_pdf(pdf_text(response.content), f"{end.replace(day=1):%Y-%m-%d} 至 {end:%Y-%m-%d}")


def test_statement_pdf_takes_a_named_period(client, org, buyer, poppler):
    client.force_login(org["rep1"])
    response = client.get(
        reverse("customer_statement_pdf", args=[buyer.pk]), {"period": "this_year"}
    )
    today = timezone.localdate()
    assert response.status_code == 200
    assert_in_pdf(pdf_text(response.content), f"{today.year}-01-01 至 {today:%Y-%m-%d}")


@pytest.mark.django_db
def test_statement_credits_what_was_paid_before_go_live(org):
    from datetime import date
    from decimal import Decimal

    from customers.services.customers import customer_create
    from receivables.selectors.statements import statement
    from receivables.services import receivable_create

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
    # What was paid before go-live counts as paid before the due date: 600 × 0.05 % × 54 days
    # overdue on 03-31 (02-06..03-31).
    assert [line.total for line in result.penalty_lines] == [Decimal("16.20")]
    assert (result.penalty_in_period, result.penalty_total) == (Decimal("9.30"), Decimal("16.20"))
