"""Quality gate: every XML file of the addon parses; prints file:line of each error."""

import sys
from pathlib import Path

from lxml import etree


def main(addon_dir):
    errors = 0
    files = sorted(Path(addon_dir).rglob("*.xml"))
    for path in files:
        try:
            etree.parse(str(path))
        except etree.XMLSyntaxError as error:
            errors += 1
            line = error.lineno or 0
            print(f"{path}:{line}: XML syntax error: {error.msg}")
    print(f"xml: {len(files)} files, {errors} with errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "credit_control"))
