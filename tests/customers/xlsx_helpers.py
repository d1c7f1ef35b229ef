"""Build .xlsx files for the import/export tests, with openpyxl or by hand (raw zip parts)."""

import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CN_HEADERS = [
    "企业全称",
    "统一社会信用代码",
    "法定代表人",
    "注册地址",
    "电话",
    "所属行业",
    "区域",
    "负责人",
    "客户等级",
    "年度采购量",
    "信用额度",
    "账期天数",
]
EN_HEADERS = [
    "name",
    "credit_code",
    "legal_rep",
    "address",
    "phone",
    "industry",
    "region",
    "owner",
    "tier",
    "buying_power",
    "credit_limit",
    "payment_terms_days",
]

# Valid unified social credit codes (check digit correct) and one with a mistyped check digit.
CODE_1 = "91350100M000100Y43"
CODE_2 = "914403001922038216"
CODE_3 = "91110108551385082Q"
CODE_4 = "91440300708461136T"
CODE_5 = "9144030071526726XG"
CODE_BAD_CHECK = "914403001922038217"


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, title: str = "客户") -> bytes:
    """A workbook whose first sheet holds `rows` from A1. None leaves a cell absent (as Excel
    does), and a string starting with "=" becomes a formula (openpyxl's own rule)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row_number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=row_number, column=column, value=value)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(directory: Path, rows: Iterable[Sequence[Any]], name: str = "customers.xlsx"):
    path = directory / name
    path.write_bytes(xlsx_bytes(rows))
    return path


def xlsx_upload(rows: Iterable[Sequence[Any]], name: str = "customers.xlsx") -> SimpleUploadedFile:
    return bytes_upload(xlsx_bytes(rows), name)


def bytes_upload(content: bytes, name: str = "customers.xlsx") -> SimpleUploadedFile:
    """Any bytes, uploaded under an .xlsx name and content type (as a browser would)."""
    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)


def excel_time(*parts: int) -> datetime:
    """A date cell's value as openpyxl reads it back: a naive datetime (Excel has no time zones),
    midnight for a plain date."""
    return datetime(*parts)  # noqa: DTZ001


def read_sheet(content: bytes):
    """The first sheet of .xlsx bytes, fully loaded (styles and data types kept)."""
    return load_workbook(BytesIO(content)).worksheets[0]


# --- Hand-made archives: what openpyxl would never write ----------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/{sheet}" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/{sheet}" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet"/></Relationships>'
)
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_xml(*, dimension: str | None = None, head: str = "", rows_xml: str = "") -> str:
    """A worksheet part: optional <dimension ref=...>, `head` placed before it, `rows_xml` in
    sheetData."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SHEET_NS}">'
        f"{head}{dim}<sheetData>{rows_xml}</sheetData></worksheet>"
    )


def raw_xlsx(
    sheet: str | bytes,
    *,
    sheet_name: str = "sheet1.xml",
    extra: dict[str, str | bytes] | None = None,
    workbook: bool = True,
) -> bytes:
    """A minimal, valid-looking .xlsx zip with `sheet` as its only worksheet part."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheet=sheet_name))
        archive.writestr("_rels/.rels", ROOT_RELS)
        if workbook:
            archive.writestr("xl/workbook.xml", WORKBOOK)
            archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(sheet=sheet_name))
        archive.writestr(f"xl/worksheets/{sheet_name}", sheet)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- Hostile workbooks: each must be refused fast, in bounded memory --------------------------

CUSTOMER_HEADER = ("企业全称", "负责人")


def _header(columns: Sequence[str]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{text}</t></is></c>'
        for i, text in enumerate(columns)
    )
    return f'<row r="1">{cells}</row>'


def _with_doctype(doctype: str, body_rows: str, columns: Sequence[str]) -> bytes:
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{SHEET_NS}">'
        f'<dimension ref="A1:B2"/><sheetData>{_header(columns)}{body_rows}</sheetData></worksheet>'
    )
    return raw_xlsx(sheet)


def entity_bomb_xlsx(columns: Sequence[str] = CUSTOMER_HEADER) -> bytes:
    """Billion laughs: ten levels of ten references, 10^9 copies of "lol"."""
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
    ]
    doctype = f"<!DOCTYPE worksheet [{''.join(levels)}]>"
    row = '<row r="2"><c r="A2" t="inlineStr"><is><t>&l9;</t></is></c></row>'
    return _with_doctype(doctype, row, columns)


def padded_entity_xlsx(columns: Sequence[str] = CUSTOMER_HEADER) -> bytes:
    """An entity expanding to 2 GB, behind 40 MB of whitespace: the padding keeps the
    expansion under expat's amplification factor, so only refusing the DOCTYPE helps."""
    doctype = (
        "<!DOCTYPE worksheet ["
        + " " * (40 * 1024 * 1024)
        + '<!ENTITY a "'
        + "x" * 1024
        + '">'
        + '<!ENTITY b "'
        + "&a;" * 1024
        + '">'
        + '<!ENTITY c "'
        + "&b;" * 2048
        + '">]>'
    )
    row = '<row r="2"><c r="A2" t="inlineStr"><is><t>&c;</t></is></c></row>'
    return _with_doctype(doctype, row, columns)


def external_entity_xlsx(columns: Sequence[str] = CUSTOMER_HEADER) -> bytes:
    doctype = '<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    row = '<row r="2"><c r="A2" t="inlineStr"><is><t>&secret;</t></is></c></row>'
    return _with_doctype(doctype, row, columns)


def truncated_xlsx(columns: Sequence[str] = CUSTOMER_HEADER) -> bytes:
    """The sheet's XML ends in the middle of row 3."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SHEET_NS}">'
        f'<dimension ref="A1:B3"/><sheetData>{_header(columns)}'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>甲有限公司</t></is></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>乙有'
    )
    return raw_xlsx(sheet)


def shared_formula_without_ref_xlsx(columns: Sequence[str] = CUSTOMER_HEADER) -> bytes:
    """A cell following a shared formula whose first cell (the one with the range) is missing."""
    sheet = sheet_xml(
        dimension="A1:B2",
        rows_xml=_header(columns) + '<row r="2"><c r="A2"><f t="shared" si="0">B2</f></c></row>',
    )
    return raw_xlsx(sheet)


def many_rows_xlsx(rows: int = 500_000, columns: Sequence[str] = CUSTOMER_HEADER) -> bytes:
    """A small file of many tiny rows (one number each) and no declared size."""
    body = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, rows + 2))
    return raw_xlsx(sheet_xml(rows_xml=_header(columns) + body))


def understated_size_xlsx(columns: Sequence[str] = CUSTOMER_HEADER) -> bytes:
    """The sheet member unpacks to 20 MB while its zip headers say 1 KB."""
    sheet = sheet_xml(
        rows_xml=_header(columns)
        + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
        + " " * (20 * 1024 * 1024)
        + "</t></is></c></row>"
    ).encode()
    content = bytearray(raw_xlsx(sheet))
    name = b"xl/worksheets/sheet1.xml"
    declared = (1024).to_bytes(4, "little")
    # Local header: the uncompressed size is at offset 22; central directory entry: at 24.
    local = content.find(b"PK\x03\x04")
    while local != -1:
        if content[local + 30 : local + 30 + len(name)] == name:
            content[local + 22 : local + 26] = declared
        local = content.find(b"PK\x03\x04", local + 4)
    central = content.find(b"PK\x01\x02")
    while central != -1:
        if content[central + 46 : central + 46 + len(name)] == name:
            content[central + 24 : central + 28] = declared
        central = content.find(b"PK\x01\x02", central + 4)
    return bytes(content)


def customer_rows(count: int, owners: Sequence[str], *, regions: Sequence[str] = ("华东",)):
    """A realistic customer sheet: header plus `count` rows with every column filled and a
    valid credit code on every other row."""
    from customers.rules.credit_code import check_character

    rows: list[list[Any]] = [CN_HEADERS]
    for n in range(count):
        first17 = f"91310000{n:09d}"
        code = first17 + check_character(first17) if n % 2 == 0 else None
        rows.append(
            [
                f"压测导入{n:05d}有限公司",
                code,
                "张三",
                f"上海市浦东新区世纪大道{n}号",
                "021-12345678",
                "制造业",
                regions[n % len(regions)],
                owners[n % len(owners)],
                "ABCD"[n % 4],
                100000 + n,
                5000,
                30,
            ]
        )
    return rows
