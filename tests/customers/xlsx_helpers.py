"""Build .xlsx files for the import/export tests, with openpyxl or by hand (raw zip parts)."""

import zipfile
from collections.abc import Iterable, Sequence
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
