"""Excel (.xlsx) in and out, safely: refuse bad uploads before loading them, never write user
text as a formula. Shared by every import and export."""

import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, TYPE_STRING
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


# --- Writing a whole book: streamed ------------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"


class _StreamCells:
    """The cells of one row for a write-only sheet, with the same values and formats as
    write_cell: money "#,##0.00", datetimes in Shanghai wall-clock time "yyyy-mm-dd hh:mm",
    dates "yyyy-mm-dd" (openpyxl's own format for a date), text never a formula.

    openpyxl writes each cell of an appended row before it asks for the next one, so one
    prepared cell per kind of value is reused for every row instead of styling a new cell per
    value (which is what makes a styled write-only sheet slow)."""

    def __init__(self, ws) -> None:
        self.money = self._styled(ws, number_format=MONEY_FORMAT)
        self.moment = self._styled(ws, number_format=DATETIME_FORMAT)
        self.quoted = self._styled(ws, quote_prefix=True)
        self.ws = ws
        self.zone = timezone.get_default_timezone()

    @staticmethod
    def _styled(ws, *, number_format: str | None = None, quote_prefix: bool = False):
        cell = WriteOnlyCell(ws)
        if number_format:
            cell.number_format = number_format
        if quote_prefix:
            cell.quotePrefix = True
        return cell

    def row(self, values: Sequence[Any]):
        for value in values:
            yield self.cell(value)

    def cell(self, value: Any):
        kind = type(value)
        if kind is str:
            # Control characters other than tab and newlines cannot be stored in a worksheet.
            if ILLEGAL_CHARACTERS_RE.search(value):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith(FORMULA_PREFIXES):
                cell = self.quoted
            elif value in ERROR_CODES:  # "#N/A" would be an error cell: a new plain text cell
                cell = WriteOnlyCell(self.ws)
            else:
                return value
            cell.value = value
            cell.data_type = TYPE_STRING  # "=..." would be a formula otherwise
            return cell
        if value is None or kind is int or kind is date or kind is float:
            return value
        if isinstance(value, Decimal):
            cell = self.money
            cell.value = value
            return cell
        if isinstance(value, datetime):  # before date: a datetime is a date too
            if timezone.is_aware(value):
                value = timezone.make_naive(value, self.zone)
            cell = self.moment
            cell.value = value
            return cell
        if isinstance(value, (date, int, float)):  # also bool, an int
            return value
        # str.__str__ gives an exact str also for a subclass (a SafeString's str() is itself).
        return self.cell(str.__str__(value) if isinstance(value, str) else str(value))


def write_streamed_workbook(
    target: IO[bytes],
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] = (),
) -> int:
    """Write one sheet like build_workbook's (bold filled header, frozen under it, filters on,
    column widths, the same cell values and formats) into `target`, with openpyxl's write-only
    mode: each row is written as it comes, so memory stays flat however many rows `rows`
    yields (give it an iterator over the database, not a list). Returns the number of rows."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title[:31])
    # Column widths and the frozen header go before the first row (write-only writes in order).
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", str(header)))
        cell.data_type = TYPE_STRING
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header_cells.append(cell)
    ws.append(header_cells)
    cells = _StreamCells(ws)
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007 (the count is the return value)
        ws.append(cells.row(row))
    # The filter's range is written after the rows, so it can name the last one.
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    workbook.save(target)
    return count


@dataclass
class Sheet:
    """An export's one sheet: what an app's exports.py returns and workbook_response sends.
    `rows` is an iterable of value rows, read once, best a generator over a database cursor."""

    filename: str
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()


def workbook_response(sheet: Sheet) -> FileResponse:
    """`sheet` as an .xlsx download (attachment, its filename), built in an anonymous temporary
    file (deleted when the response is closed) and sent from there: neither the rows nor the
    file are held in memory, however long the sheet."""
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        write_streamed_workbook(
            target, title=sheet.title, headers=sheet.headers, rows=sheet.rows, widths=sheet.widths
        )
        target.seek(0)
    except BaseException:
        target.close()
        raise
    return FileResponse(
        target, as_attachment=True, filename=sheet.filename, content_type=XLSX_CONTENT_TYPE
    )
