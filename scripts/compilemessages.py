"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib, so no gettext binaries are needed.

Django's own compilemessages shells out to msgfmt; this does the same job in pure Python and
fails (exit 1) on a malformed catalogue or a fuzzy entry that would silently stay untranslated.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    problems = []
    catalogues = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
    for po_path in catalogues:
        try:
            po = polib.pofile(str(po_path))
        except (OSError, ValueError) as exc:
            problems.append(f"{po_path}: {exc}")
            continue
        fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
        if fuzzy:
            problems.append(f"{po_path}: fuzzy entries {fuzzy[:3]}")
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"compiled {len(catalogues)} catalogue(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
