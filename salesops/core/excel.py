"""Excel (.xlsx) in and out, safely: refuse bad uploads before loading them, never write user
text as a formula. Shared by every import and export."""

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import TYPE_STRING
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
    except zipfile.BadZipFile as exc:
        raise ExcelRefusedError(_("The file is damaged or not an .xlsx workbook.")) from exc
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise ExcelRefusedError(
            _("The workbook could not be read: %(error)s") % {"error": exc}
        ) from exc
    return workbook.worksheets[0]


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


def _check_declared_dimensions(archive: zipfile.ZipFile, limits: SheetLimits) -> None:
    sheets = sorted(
        n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)
    )
    if not sheets:
        raise ExcelRefusedError(_("The workbook has no worksheet."))
    with archive.open(sheets[0]) as sheet:
        head = sheet.read(4096)  # the <dimension> element sits at the top of the sheet
    match = _DIMENSION.search(head)
    if not match:
        return
    ref = match.group(1).decode()
    _min_col, _min_row, max_col, max_row = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
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
        text = str(value)
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
