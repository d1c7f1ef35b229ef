"""Excel (.xlsx) in and out, safely: refuse bad uploads before loading them, never write user
text as a formula. Shared by every import and export."""

import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
# A real spreadsheet compresses ~5-20x; a zip bomb far more.
MAX_UNCOMPRESSED = 200 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ExcelRefusedError(ValueError):
    """The upload is not a workbook we will open; the message says why, for the user."""


@dataclass(frozen=True)
class SheetLimits:
    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS


def open_worksheet(upload: IO[bytes], *, limits: SheetLimits = SheetLimits()) -> Worksheet:
    """The first worksheet of an .xlsx upload, read-only with formulas kept as formulas.

    Refused fast, before openpyxl parses anything: files over the size limit, anything that is
    not an OOXML zip, zip bombs, and sheets that declare more rows or columns than allowed.
    The size openpyxl itself reads from the sheet is checked again after opening (a declaration
    can hide from the quick look), and then dropped: rows are read to the sheet's real end, so a
    stale declaration never cuts rows off. Read with iter_rows(max_col=...) to bound the width.
    """
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    if size > limits.max_bytes:
        raise ExcelRefusedError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(size / 1048576, 1), "limit": limits.max_bytes // 1048576}
        )
    if upload.read(4) != b"PK\x03\x04":
        raise ExcelRefusedError(_("This is not an Excel .xlsx file (save it as .xlsx and retry)."))
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise ExcelRefusedError(
                _("This is not an Excel .xlsx file (save it as .xlsx and retry).")
            )
        if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
            raise ExcelRefusedError(_("The workbook unpacks to an unreasonable size."))
        _check_declared_dimensions(archive, limits)
    except ExcelRefusedError:
        raise
    # A damaged archive fails in many ways: bad zip structure, a corrupt deflate stream, an
    # encrypted member (RuntimeError), an unsupported compression (NotImplementedError).
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as exc:
        raise ExcelRefusedError(_("The file is damaged or not an .xlsx workbook.")) from exc
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=False)
        worksheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many types for broken files
        raise ExcelRefusedError(
            _("The workbook could not be read: %(error)s") % {"error": exc}
        ) from exc
    _check_dimensions(worksheet.max_column or 0, worksheet.max_row or 0, limits)
    worksheet.reset_dimensions()
    return worksheet


# The <dimension ref="A1:L200"/> element, as openpyxl reads it: any namespace prefix, any
# attribute order and quoting, "$" anchors and lower case allowed. [^<>] keeps a search over a
# hostile head linear.
_DIMENSION = re.compile(
    rb"<(?:[\w.-]+:)?dimension\b[^<>]*?\sref\s*=\s*([\"'])([^\"'<>]*)\1", re.IGNORECASE
)
_WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
# Excel and LibreOffice write <dimension> in the first few hundred bytes of the sheet.
_HEAD_BYTES = 64 * 1024


def _check_declared_dimensions(archive: zipfile.ZipFile, limits: SheetLimits) -> None:
    sheets = [n for n in archive.namelist() if _WORKSHEET_PART.fullmatch(n)]
    if not sheets:
        raise ExcelRefusedError(_("The workbook has no worksheet."))
    for name in sheets:  # every sheet: which one is "first" is the workbook's word, not the name
        with archive.open(name) as sheet:
            head = sheet.read(_HEAD_BYTES)
        match = _DIMENSION.search(head)
        if not match:
            continue
        try:
            _min_col, _min_row, max_col, max_row = range_boundaries(match.group(2).decode())
        except (ValueError, TypeError, UnicodeDecodeError):
            continue  # openpyxl itself will refuse it
        # "A:XFD" leaves rows open and "1:1048576" columns: open means the sheet's limit.
        _check_dimensions(max_col or 16384, max_row or 1048576, limits)


def _check_dimensions(max_col: int, max_row: int, limits: SheetLimits) -> None:
    if max_row > limits.max_rows + 1 or max_col > limits.max_columns:
        raise ExcelRefusedError(
            _(
                "The sheet declares %(rows)s rows and %(cols)s columns; at most %(max_rows)s rows "
                "and %(max_cols)s columns are accepted."
            )
            % {
                "rows": max_row,
                "cols": max_col,
                "max_rows": limits.max_rows,
                "max_cols": limits.max_columns,
            }
        )


def is_formula(cell) -> bool:
    return getattr(cell, "data_type", None) == "f"


# --- Writing ----------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F5")


def write_cell(ws: Worksheet, row: int, column: int, value: Any):
    """Numbers stay numbers; text, whatever it starts with, is stored as text, never a formula."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, Decimal):
        cell.value = value
        cell.number_format = "#,##0.00"
    elif isinstance(value, (int, float)) or value is None:
        cell.value = value
    else:
        # Control characters other than tab and newlines cannot be stored in a worksheet;
        # drop them rather than fail the whole export over one pasted character.
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell.value = text
        # openpyxl treats any string starting with "=" as a formula; force text for all strings.
        cell.data_type = TYPE_STRING
        if text.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    return cell


def build_workbook(
    *, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] = ()
) -> bytes:
    """One sheet with a bold frozen header row and filters on; returns the .xlsx bytes."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = title[:31]
    for column, header in enumerate(headers, start=1):
        cell = write_cell(ws, 1, column, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    row_number = 1
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            write_cell(ws, row_number, column, value)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(row_number, 1)}"
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
