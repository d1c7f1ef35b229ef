"""A fast, bounded reader for the rows of one .xlsx worksheet, and the checks every XML part of
an upload passes before any parser that expands entities sees it.

openpyxl still reads the workbook's small parts (which sheet is first, styles, shared strings);
this module reads the sheet's rows itself. openpyxl's read-only row parser costs ~1 ms a row
here (defusedxml swaps in the pure-Python expat driver), so a 10,000-row preview took 11 s; the
C ElementTree pull parser below takes a fraction of that and lets us stop exactly at the row
limit. Entities are safe because the prolog check refuses any DOCTYPE first: without one an
XML document can declare no entity, and a reference to an undeclared one is a parse error.
"""

import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pyexpat import ExpatError, ParserCreate
from typing import Any
from xml.etree.ElementTree import ParseError, XMLPullParser

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel, from_ISO8601

CHUNK = 64 * 1024
# One part, unpacked. A 20,000 x 60 sheet of short values is ~60 MB of XML.
MAX_PART_BYTES = 100 * 1024 * 1024
# Excel's own width: no real row has more cells.
MAX_CELLS_PER_ROW = 16384
MAX_SHEET_ROW = 1048576
# Past the row limit we still look for data (a filled row there is "too many rows"), but only
# this many parse events: a sheet formatted that far down is refused rather than read on.
PAST_LIMIT_EVENTS = 100_000
# XML elements one row may hold (a cell is <c>, <v>, <f> or an inline string's few runs).
MAX_EVENTS_PER_ROW = 8 * 16384
# Distinct texts one workbook may hold: 20 unique texts in each of 20,000 rows. Reading them
# costs about 1 s per 400,000 on one core; the 60-column limit times 20,000 rows would be 3 s.
MAX_SHARED_STRINGS = 20_001 * 20
# Elements a worksheet may have before its <sheetData> (views, columns, formats).
HEAD_ELEMENTS = 10_000

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, CELL, VALUE, FORMULA, INLINE = f"{NS}row", f"{NS}c", f"{NS}v", f"{NS}f", f"{NS}is"
SHEET_DATA, SHARED_STRING = f"{NS}sheetData", f"{NS}si"
TEXT, RUN = f"{NS}t", f"{NS}r"
REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
# For the quick look at the rows past the limit: a row's start tag, its number, a value.
ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row(?=[\s/>])[^<>]*>")
ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"']\s*(\d{1,7})\s*[\"']")
VALUE_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:v|is|f)(?=[\s/>])")
SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")
# Bytes kept from one chunk to the next, so a tag cut by the chunk border is still found.
OVERLAP = 4096


class SheetReadError(ValueError):
    """The sheet's XML cannot be read safely; the message says why, for the user."""


def too_many_rows(max_rows: int) -> SheetReadError:
    return SheetReadError(
        _("The sheet has more than %(max)s rows; split the file and import each part.")
        % {"max": max_rows}
    )


def damaged(row: int) -> SheetReadError:
    return SheetReadError(
        _(
            "The sheet is damaged and could not be read (near row %(row)s). Save it again from "
            "Excel and retry."
        )
        % {"row": row}
    )


def bounded_chunks(archive: zipfile.ZipFile, name: str):
    """The unpacked bytes of one member, counted as they come: the size in the zip header is
    the sender's word, the count is ours."""
    seen, limit = 0, MAX_PART_BYTES
    with archive.open(name) as member:
        while chunk := member.read(CHUNK):
            seen += len(chunk)
            if seen > limit:
                raise SheetReadError(
                    _("A part of the workbook unpacks to more than %(limit)s MB.")
                    % {"limit": limit // 1048576}
                )
            yield chunk


class _RootReachedError(Exception):
    pass


class _DoctypeError(Exception):
    pass


def _stop_at_root(*_args):
    raise _RootReachedError


def _refuse_doctype(*_args):
    raise _DoctypeError


class _SheetHead:
    """For a worksheet: parse on to <sheetData>, keeping the declared size (<dimension ref>)
    and refusing a head padded with elements."""

    def __init__(self):
        self.seen = 0
        self.dimension: str | None = None

    def __call__(self, name, attrs):
        local = name.rpartition(" ")[2]
        if local == "sheetData":
            raise _RootReachedError
        if local == "dimension" and self.dimension is None:
            self.dimension = attrs.get("ref")
        self.seen += 1
        if self.seen > HEAD_ELEMENTS:
            raise damaged(1)


def check_part(archive: zipfile.ZipFile, name: str, *, sheet: bool) -> str | None:
    """Refuse a part whose prolog declares a DOCTYPE (the door to entity bombs and external
    entities; Excel never writes one). Other parts are parsed to their root element and then
    only counted against the size limit; a `sheet` is parsed to its <sheetData> and its
    declared size (<dimension ref>, or None) returned; its rows are bounded when read."""
    parser = ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_doctype
    head = _SheetHead() if sheet else None
    parser.StartElementHandler = head or _stop_at_root
    chunks = bounded_chunks(archive, name)
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _RootReachedError:
        if head is not None:
            return head.dimension
        for _chunk in chunks:  # the rest only counted, not parsed
            pass
    except _DoctypeError as exc:
        raise SheetReadError(
            _(
                "The workbook contains a document type declaration (DTD), which Excel never "
                "writes; it is refused for safety. Save the file again from Excel."
            )
        ) from exc
    except ExpatError as exc:
        raise SheetReadError(_("The file is damaged or not an .xlsx workbook.")) from exc
    finally:
        chunks.close()
    return head.dimension if head is not None else None


@dataclass(slots=True)
class SheetCell:
    value: Any
    data_type: str  # as openpyxl: "f" formula, "s" text, "n" number, "d" date, "b", "e"


def _column(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index


def _inline_text(element) -> str:
    """What openpyxl's Text(...).content gives: the plain <t>, then each run's <t>; phonetic
    runs (<rPh>) left out. openpyxl's descriptor objects cost ~30 us a cell; this, ~1."""
    parts = []
    for child in element:
        if child.tag == TEXT:
            parts.append(child.text or "")
        elif child.tag == RUN:
            text = child.find(TEXT)
            if text is not None:
                parts.append(text.text or "")
    return "".join(parts)


def read_shared_strings(archive: zipfile.ZipFile, name: str) -> list[str]:
    """The shared-string table (xl/sharedStrings.xml) with the C parser, each <si> cleared as
    read and their number capped: openpyxl's own reader took 7 s for 200,000 one-letter
    strings, and a 100 MB part holds millions."""
    parser = XMLPullParser(events=("end",))
    strings: list[str] = []
    try:
        for chunk in bounded_chunks(archive, name):
            parser.feed(chunk)
            for _event, element in parser.read_events():
                if element.tag == SHARED_STRING:
                    strings.append(_inline_text(element))
                    element.clear()
                    if len(strings) > MAX_SHARED_STRINGS:
                        raise SheetReadError(
                            _(
                                "The workbook holds more than %(max)s distinct texts; split the "
                                "file and import the parts one by one."
                            )
                            % {"max": MAX_SHARED_STRINGS}
                        )
        parser.close()
    except SheetReadError:
        raise
    except (ParseError, ValueError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise damaged(1) from exc
    return strings


def _number(text: str) -> int | float:
    return float(text) if "." in text or "e" in text or "E" in text else int(text)


class SheetRows:
    """The rows of one worksheet part, read once: `rows()` yields (row number, cells) where
    cells[i] is column i+1 (None when absent), up to `max_col`. Values are what openpyxl's
    read-only mode gives (dates for date-formatted numbers, formulas kept as formulas).

    Reading stops after row `max_row`; data past it, and any malformed or hostile XML, raise
    SheetReadError.
    """

    def __init__(
        self,
        archive: zipfile.ZipFile,
        path: str,
        *,
        title: str,
        shared_strings: list[str],
        date_styles: set[int],
        timedelta_styles: set[int],
        epoch,
    ):
        self.title = title
        self._archive, self._path = archive, path
        self._strings = shared_strings
        self._dates, self._timedeltas, self._epoch = date_styles, timedelta_styles, epoch

    def has_data_past(self, max_row: int) -> bool:
        """Whether any value sits in a row past `max_row`: a byte-level look (C regexes, no
        parser), so a file of 500,000 rows is refused in milliseconds rather than after reading
        20,000 of them. It may only err towards True for XML Excel never writes (a row tag in
        a comment); rows() itself stops at `max_row` either way."""
        number, data = 0, b""
        chunks = bounded_chunks(self._archive, self._path)
        for chunk in itertools.chain(chunks, [None]):
            last = chunk is None
            data += chunk or b""
            # Tags ending in the last OVERLAP bytes may be cut short: they wait for the next chunk.
            safe_end = len(data) if last else len(data) - OVERLAP
            consumed = 0
            for match in ROW_TAG.finditer(data):
                if match.end() > safe_end:
                    break
                found = ROW_NUMBER.search(match.group())
                number = int(found.group(1)) if found else number + 1
                consumed = match.end()
                if number > max_row:
                    # Rows never go back (rows() refuses that), so any value from here to the
                    # end of <sheetData> lies past the limit.
                    data = data[consumed:]
                    for rest in itertools.chain([b""], chunks):
                        data = data[-OVERLAP:] + rest
                        end = SHEET_DATA_END.search(data)
                        if VALUE_TAG.search(data, 0, end.start() if end else len(data)):
                            return True
                        if end:
                            return False
                    return False
            data = data[max(consumed, len(data) - 2 * OVERLAP) :]
        return False

    def rows(self, *, max_col: int, max_row: int) -> Iterator[tuple[int, list[SheetCell | None]]]:
        """Raises SheetReadError for a damaged or hostile sheet, or for data past `max_row`
        (then the sheet has more than max_row - 1 data rows under its header)."""
        try:
            if self.has_data_past(max_row):
                raise too_many_rows(max_row - 1)
        except SheetReadError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise damaged(1) from exc
        parser = XMLPullParser(events=("end",))
        number = column = cell_count = 0
        cells: list[SheetCell | None] = []
        has_data = False
        masters: set[str] = set()  # shared-formula ids whose first cell carried the range
        past_limit_events = row_events = 0
        try:
            for chunk in bounded_chunks(self._archive, self._path):
                parser.feed(chunk)
                for _event, element in parser.read_events():
                    tag = element.tag
                    if tag == SHEET_DATA:
                        parser.close()
                        return
                    # Elements other than cells and rows stay in memory until their row ends:
                    # a cell stuffed with a million empty elements would hold ~80 MB.
                    row_events += 1
                    if row_events > MAX_EVENTS_PER_ROW:
                        raise damaged(number + 1)
                    if number >= max_row:
                        past_limit_events += 1
                        if past_limit_events > PAST_LIMIT_EVENTS:
                            raise too_many_rows(max_row - 1)
                    if tag == CELL:
                        cell_count += 1
                        if cell_count > MAX_CELLS_PER_ROW:
                            raise damaged(number + 1)
                        reference = element.get("r")
                        if reference:
                            match = REFERENCE.fullmatch(reference)
                            if match is None:
                                raise damaged(number + 1)
                            column = _column(match.group(1))
                        else:
                            column += 1
                        cell = self._cell(element, masters, number + 1)
                        element.clear()
                        if cell is None:
                            continue
                        has_data = True
                        if column <= max_col:
                            if column > len(cells):
                                cells.extend([None] * (column - len(cells)))
                            cells[column - 1] = cell
                    elif tag == ROW:
                        reference = element.get("r")
                        next_number = int(reference) if reference else number + 1
                        if not number < next_number <= MAX_SHEET_ROW:
                            raise damaged(number + 1)
                        number = next_number
                        element.clear()
                        if number > max_row:
                            if has_data:  # only where the quick look was fooled
                                raise too_many_rows(max_row - 1)
                        else:
                            yield number, cells
                        cells, has_data, column, cell_count = [], False, 0, 0
                        row_events = 0
            parser.close()
        except SheetReadError:
            raise
        # The parser and the values inside a cell fail in many ways; each means a damaged sheet.
        except (ParseError, ValueError, IndexError, TypeError, OverflowError) as exc:
            raise damaged(number + 1) from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise damaged(number + 1) from exc

    def _cell(self, element, masters: set[str], row: int) -> SheetCell | None:
        """The cell's value as openpyxl gives it, or None for a cell with nothing in it."""
        formula = element.find(FORMULA)
        if formula is not None:
            if formula.get("t") == "shared":
                shared_id = formula.get("si")
                if formula.get("ref"):
                    masters.add(shared_id)
                elif shared_id not in masters:
                    raise SheetReadError(
                        _(
                            "Row %(row)s holds a shared formula without its range. Save the file "
                            "again from Excel and retry."
                        )
                        % {"row": row}
                    )
            return SheetCell("=" + (formula.text or ""), "f")
        kind = element.get("t", "n")
        if kind == "inlineStr":
            child = element.find(INLINE)
            return None if child is None else SheetCell(_inline_text(child), "s")
        text = element.findtext(VALUE) or None
        if text is None:
            return None
        if kind == "n":
            style = int(element.get("s") or 0)
            value = _number(text)
            if style in self._dates:
                try:
                    when = from_excel(value, self._epoch, timedelta=style in self._timedeltas)
                except (OverflowError, ValueError):
                    return SheetCell("#VALUE!", "e")
                return SheetCell(when, "d")
            return SheetCell(value, "n")
        if kind == "s":
            return SheetCell(self._strings[int(text)], "s")
        if kind == "b":
            return SheetCell(bool(int(text)), "b")
        if kind == "d":
            return SheetCell(from_ISO8601(text), "d")
        return SheetCell(text, "s" if kind == "str" else kind)

    def iter_rows(self, *, max_col: int, max_row: int = MAX_SHEET_ROW):
        """Rows as lists of cells, for callers that only look (tests, tools)."""
        for _number, cells in self.rows(max_col=max_col, max_row=max_row):
            yield cells
