"""Excel (.xlsx) in and out, safely: refuse bad uploads before loading them, never write user
text as a formula. Shared by every import and export."""

import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import SHARED_STRINGS

from salesops.core.xlsx_reader import SheetReadError, SheetRows, check_part, read_shared_strings

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


def open_worksheet(upload: IO[bytes], *, limits: SheetLimits = SheetLimits()) -> SheetRows:
    """The first worksheet of an .xlsx upload, its rows read with formulas kept as formulas.

    Refused fast, before openpyxl parses anything: files over the size limit, anything that is
    not an OOXML zip, zip bombs, any XML part with a DOCTYPE (entity bombs, external entities)
    or unpacking past its limit, and sheets that declare more rows or columns than allowed.
    The size openpyxl itself reads from the sheet is checked again after opening (a declaration
    can hide from the quick look), and then dropped: rows are read to the sheet's real end (or
    the row limit), so a stale declaration never cuts rows off. The rows themselves are read
    by SheetRows.rows(), which raises SheetReadError for a sheet damaged further down.
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
        # Every XML part, before openpyxl parses any: no DOCTYPE, a bounded unpacked size.
        for name in names:
            if name.lower().endswith(_XML_PARTS):
                dimension = check_part(archive, name, sheet=bool(_WORKSHEET_PART.fullmatch(name)))
                if dimension:  # the declaration as a parser sees it, however deep in the head
                    _check_dimension_ref(dimension, limits)
    except ExcelRefusedError:
        raise
    except SheetReadError as exc:
        raise ExcelRefusedError(str(exc)) from exc
    # A damaged archive fails in many ways: bad zip structure, a corrupt deflate stream, an
    # encrypted member (RuntimeError), an unsupported compression (NotImplementedError).
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as exc:
        raise ExcelRefusedError(_("The file is damaged or not an .xlsx workbook.")) from exc
    upload.seek(0)
    try:
        rows = read_workbook(upload)
    except ExcelRefusedError:
        raise
    except SheetReadError as exc:
        raise ExcelRefusedError(str(exc)) from exc
    except Exception as exc:  # openpyxl raises many types for broken files
        raise ExcelRefusedError(
            _("The workbook could not be read: %(error)s") % {"error": exc}
        ) from exc
    return rows


def read_workbook(upload: IO[bytes]) -> SheetRows:
    """openpyxl's own reader for the workbook's small parts (sheet order, shared strings,
    styles), without its worksheet step: that step parses each sheet to find its size, to the
    sheet's end when it declares none (7 s for 500,000 rows). We read the first sheet's rows."""
    reader = ExcelReader(upload, read_only=True, data_only=False)
    reader.read_manifest()
    # The shared-string table with our counted C-parser reader, not openpyxl's slow one.
    strings_part = reader.package.find(SHARED_STRINGS)
    if strings_part is not None:
        reader.shared_strings = read_shared_strings(reader.archive, strings_part.PartName[1:])
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    for sheet, rel in reader.parser.find_sheets():  # which sheet is first is the workbook's word
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
            return SheetRows(
                reader.archive,
                rel.target,
                title=sheet.name,
                shared_strings=reader.shared_strings,
                date_styles=reader.wb._date_formats,
                timedelta_styles=reader.wb._timedelta_formats,
                epoch=reader.wb.epoch,
            )
    raise ExcelRefusedError(_("The workbook has no worksheet."))


# The <dimension ref="A1:L200"/> element, as openpyxl reads it: any namespace prefix, any
# attribute order and quoting, "$" anchors and lower case allowed. [^<>] keeps a search over a
# hostile head linear.
_DIMENSION = re.compile(
    rb"<(?:[\w.-]+:)?dimension\b[^<>]*?\sref\s*=\s*([\"'])([^\"'<>]*)\1", re.IGNORECASE
)
_WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
_XML_PARTS = (".xml", ".rels", ".vml")
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
        if match:
            try:
                _check_dimension_ref(match.group(2).decode(), limits)
            except UnicodeDecodeError:
                continue


def _check_dimension_ref(ref: str, limits: SheetLimits) -> None:
    try:
        _min_col, _min_row, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return  # not a size: nothing declared
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
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def write_cell(ws: Worksheet, row: int, column: int, value: Any):
    """Numbers stay numbers, dates are date cells; text, whatever it starts with, is stored as
    text, never a formula."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, Decimal):
        cell.value = value
        cell.number_format = "#,##0.00"
    elif isinstance(value, datetime):  # before date: a datetime is a date too
        # Excel has no time zones: write the wall-clock time the team works in (Asia/Shanghai),
        # not UTC, whatever zone a request activated. A naive datetime is taken as that time.
        if timezone.is_aware(value):
            value = timezone.make_naive(value, timezone.get_default_timezone())
        cell.value = value
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
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
