"""Quality gate: every XML file of the addons parses; prints file:line of each error.

Usage: python tools/check_xml.py [ADDON_DIR...] (default: every addon of the repository, the
folders at its root holding a ``__manifest__.py``).
"""

import sys
from pathlib import Path

from lxml import etree

REPO_ROOT = Path(__file__).resolve().parents[1]


def main(addon_dirs):
    if not addon_dirs:
        addon_dirs = sorted(path.parent for path in REPO_ROOT.glob("*/__manifest__.py"))
    errors = 0
    files = sorted({path for addon_dir in addon_dirs for path in Path(addon_dir).rglob("*.xml")})
    for path in files:
        try:
            etree.parse(str(path))
        except etree.XMLSyntaxError as error:
            errors += 1
            line = error.lineno or 0
            print(f"{path}:{line}: XML syntax error: {error.msg}")
    print(f"xml: {len(files)} files in {len(addon_dirs)} addon(s), {errors} with errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
