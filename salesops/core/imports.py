"""What every Excel import shares: problems cited as `row <n>, <column>: <message>`, the header
row matched to column keys, and the data rows read with the spreadsheet's own row numbers.

Each importer keeps only its own column list, its row rules and its write step. Plans are
checked in full before anything is written, and a plan with any problem writes nothing.
"""

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.utils.translation import gettext as _

from salesops.core.excel import MAX_COLUMNS, MAX_ROWS, ExcelRefusedError, is_formula
from salesops.core.xlsx_reader import SheetReadError, SheetRows

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}"


@dataclass
class Plan(Generic[RowT]):
    """The checked rows of a file and every problem found; ok only without problems."""

    rows: list[RowT] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def normalize_header(text: Any) -> str:
    """Headers match case-insensitively, spaces ignored."""
    return "".join(str(text or "").split()).lower()


def blank(value: Any) -> bool:
    return value is None or value == ""


@dataclass
class SheetRow:
    number: int  # the spreadsheet's own row number: the header is row 1
    # By column key, text stripped; formula cells and cells past the row's end are left out.
    values: dict[str, Any]
    # The problems the sheet itself finds: formula cells, then blank required values.
    problems: list[Problem]


class ImportSheet:
    """A worksheet read as an import: `columns` maps each key to its accepted header texts
    (Chinese first), `required` names the keys that must have a column and a value.

    Header problems (empty sheet, a column twice, a required column missing) are in `problems`;
    when there are any, the rows must not be read. `rows()` yields the data rows once, blank
    lines skipped. Data past `max_rows`, or a sheet found damaged or hostile while reading,
    raises ExcelRefusedError (here or from `rows()`): the pages and commands show it as one
    message, whatever rows came before.
    """

    def __init__(
        self,
        worksheet: SheetRows,
        columns: Mapping[str, Sequence[str]],
        required: Sequence[str],
        *,
        max_rows: int = MAX_ROWS,
    ):
        self.required = required
        self.max_rows = max_rows
        self.problems: list[Problem] = []
        self.keys: dict[int, str] = {}  # column index -> key
        self.header_text: dict[str, str] = {}  # key -> the file's own header
        self._rows = worksheet.rows(max_col=MAX_COLUMNS, max_row=max_rows + 1)
        first = self._next_row()
        if first is None:
            self.problems.append(Problem(1, "-", _("the sheet is empty")))
            return
        header_cells: list = []
        if first[0] == 1:
            header_cells = first[1]
        else:  # no row 1: an empty header, and the first row read is data
            self._rows = itertools.chain([first], self._rows)
        header_keys = {normalize_header(h): key for key, texts in columns.items() for h in texts}
        for index, cell in enumerate(header_cells):
            if cell is None:
                continue
            key = header_keys.get(normalize_header(cell.value))
            if key:
                if key in self.header_text:
                    self.problems.append(
                        Problem(1, str(cell.value).strip(), _("column appears twice"))
                    )
                self.keys[index], self.header_text[key] = key, str(cell.value).strip()
        for key in required:
            if key not in self.header_text:
                self.problems.append(
                    Problem(1, "/".join(columns[key]), _("required column is missing"))
                )

    def problem(self, row: int, key: str, message: str) -> Problem:
        """A problem in column `key`, named by the file's own header."""
        return Problem(row, self.header_text.get(key, key), message)

    def _next_row(self):
        try:
            return next(self._rows, None)
        except SheetReadError as exc:
            raise ExcelRefusedError(str(exc)) from exc

    def rows(self) -> Iterator[SheetRow]:
        """Raises ExcelRefusedError when the sheet turns out damaged or hostile part-way."""
        while (row := self._next_row()) is not None:
            number, cells = row
            values: dict[str, Any] = {}
            problems: list[Problem] = []
            formulas: set[str] = set()
            for index, key in self.keys.items():
                cell = cells[index] if index < len(cells) else None
                if cell is None:
                    continue
                if is_formula(cell):
                    problems.append(
                        self.problem(number, key, _("formulas are not accepted; type the value"))
                    )
                    formulas.add(key)
                    continue
                value = cell.value
                values[key] = value.strip() if isinstance(value, str) else value
            if not formulas and all(blank(v) for v in values.values()):
                continue  # blank lines are not rows
            for key in self.required:
                if blank(values.get(key)) and key not in formulas:  # a formula is reported
                    problems.append(self.problem(number, key, _("required")))
            yield SheetRow(number, values, problems)
