"""Write the addon's README.rst from its readme/*.md fragments, the way OCA's
oca-gen-addon-readme does (that tool is not installable here).

Fragments, in this order, each optional but DESCRIPTION.md: DESCRIPTION.md (before the table of
contents; its headings become sections), INSTALL.md, CONFIGURE.md, USAGE.md, ROADMAP.md,
HISTORY.md, then Bug Tracker and Credits (Authors from the manifest, CONTRIBUTORS.md,
CREDITS.md). Name, summary, authors, website and version come from ``__manifest__.py``.

The fragments use a subset of Markdown: ``#``/``##``/``###`` headings (one level below the
section that holds the fragment), paragraphs, ``-`` and ``1.`` lists (nested by two spaces),
``inline code``, **bold**, *italic*, [links](https://…) and <https://…>.

Usage::

    python tools/gen_readme.py [--addon-dir credit_control]           # writes README.rst
    python tools/gen_readme.py [--addon-dir credit_control] --check   # fails when it differs

Without ``--addon-dir``, it does so for every addon of the repository (the folders at its root
holding a ``__manifest__.py``).

Both fail when the reST does not parse cleanly (docutils, when it is installed).
"""

import argparse
import ast
import difflib
import hashlib
import io
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# (fragment, section title); DESCRIPTION has no title of its own
FRAGMENTS = [
    ("DESCRIPTION.md", None),
    ("INSTALL.md", "Installation"),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("ROADMAP.md", "Known issues / Roadmap"),
    ("HISTORY.md", "Changelog"),
]
# underline characters by level: 1 = sections, 2 = subsections (the title has = above and below)
UNDERLINES = {1: "=", 2: "-", 3: "~", 4: "^"}

HEADING = re.compile(r"^(#{1,4})\s+(.*?)\s*#*\s*$")
BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
ORDERED = re.compile(r"^(\s*)\d+[.)]\s+(.*)$")


# ---------------------------------------------------------------------------
# Markdown subset -> reST
# ---------------------------------------------------------------------------
def inline(text):
    """Inline Markdown (code, links, bold, italic) -> inline reST."""
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append("``%s``" % part[1:-1])
            continue
        part = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", lambda m: "`%s <%s>`__" % (m.group(1), m.group(2)), part)
        part = re.sub(r"<(https?://[^>\s]+)>", r"\1", part)
        part = re.sub(r"(?<![\w*])__(?=\S)(.+?)(?<=\S)__(?![\w*])", r"**\1**", part)
        part = re.sub(r"(?<![\w*])_(?=\S)([^_]+?)(?<=\S)_(?![\w*])", r"*\1*", part)
        out.append(part)
    return "".join(out)


def heading(title, level):
    return [title, UNDERLINES[level] * len(title), ""]


def md_to_rst(text, base_level):
    """Convert a fragment; a ``#`` heading becomes a section of ``base_level``."""
    out = []
    # open list items: (column of the item's text in the Markdown, column of its text in the reST)
    stack = []
    previous_blank = True

    def blank():
        if out and out[-1] != "":
            out.append("")

    for raw in text.replace("\t", "    ").splitlines():
        line = raw.rstrip()
        indent = len(line) - len(line.lstrip())
        if not line:
            blank()
            previous_blank = True
            continue
        heading_match = HEADING.match(line)
        item = BULLET.match(line) or ORDERED.match(line)
        if heading_match and indent == 0:
            stack.clear()
            blank()
            out.extend(heading(inline(heading_match.group(2)), base_level + len(heading_match.group(1)) - 1))
        elif item:
            in_list = bool(stack)
            nested = in_list and indent >= stack[-1][0]
            popped = 0
            while stack and indent < stack[-1][0]:
                stack.pop()
                popped += 1
            if nested or popped > 1 or (not in_list and not previous_blank):
                blank()  # reST wants a blank line around a nested list
            marker = "- " if BULLET.match(line) else "#. "
            rst_indent = stack[-1][1] if stack else 0
            out.append(" " * rst_indent + marker + inline(item.group(2)))
            md_text_column = len(line) - len(item.group(2))
            stack.append((md_text_column, rst_indent + len(marker)))
        else:
            if previous_blank:
                while stack and indent < stack[-1][0]:
                    stack.pop()  # a paragraph less indented than the item's text ends the item
            out.append(" " * (stack[-1][1] if stack else 0) + inline(line.strip()))
        previous_blank = False
    while out and out[-1] == "":
        out.pop()
    return out


def split_intro(rst_lines):
    """(lines before the first section, the rest) of a converted fragment."""
    for index in range(len(rst_lines) - 1):
        nxt = rst_lines[index + 1]
        if rst_lines[index] and nxt and set(nxt) <= set(UNDERLINES.values()) and len(set(nxt)) == 1:
            if len(nxt) == len(rst_lines[index]):
                return rst_lines[:index], rst_lines[index:]
    return rst_lines, []


# ---------------------------------------------------------------------------
# README.rst
# ---------------------------------------------------------------------------
def read_manifest(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text(encoding="utf-8"))


def generate(addon_dir):
    addon_dir = Path(addon_dir)
    readme_dir = addon_dir / "readme"
    manifest = read_manifest(addon_dir)
    name = manifest["name"]
    module = addon_dir.name
    series = manifest.get("version", "18.0").split(".")
    series = ".".join(series[:2]) if len(series) > 3 else "18.0"
    website = manifest.get("website", "").rstrip("/")

    fragments = {}
    digest = hashlib.sha256()
    for fragment in [f for f, _ in FRAGMENTS] + ["CONTRIBUTORS.md", "CREDITS.md"]:
        path = readme_dir / fragment
        if path.is_file():
            fragments[fragment] = path.read_text(encoding="utf-8")
            digest.update(fragment.encode() + b"\0" + fragments[fragment].encode() + b"\0")
    if "DESCRIPTION.md" not in fragments:
        raise SystemExit(f"gen_readme: {readme_dir / 'DESCRIPTION.md'} is missing")
    digest.update(repr((name, manifest.get("summary"), manifest.get("author"), website, series)).encode())

    out = ["=" * len(name), name, "=" * len(name), ""]
    out += [
        "..",
        "   !! This file is generated by tools/gen_readme.py from readme/*.md and the manifest:",
        "   !! edit those, then run python tools/gen_readme.py (make test fails when it differs).",
        "   !! source digest: sha256:%s" % digest.hexdigest(),
        "",
    ]
    if manifest.get("summary"):
        out += ["*%s*" % manifest["summary"].strip().rstrip("."), ""]
    out += [
        "Odoo %s, license %s." % (series, manifest.get("license", "")),
        "",
    ]
    intro, sections = split_intro(md_to_rst(fragments["DESCRIPTION.md"], base_level=1))
    out += intro + [""]
    out += ["**Table of contents**", "", ".. contents::", "   :local:", ""]
    if sections:
        out += sections + [""]
    for fragment, title in FRAGMENTS[1:]:
        if fragment in fragments:
            out += heading(title, 1) + md_to_rst(fragments[fragment], base_level=2) + [""]

    out += heading("Bug Tracker", 1)
    if website:
        issues = f"{website}/issues"
        body = (
            f"module:%20{module}%0Aversion:%20{series}%0A%0A**Steps%20to%20reproduce**%0A-%20...%0A%0A"
            "**Current%20behavior**%0A%0A**Expected%20behavior**"
        )
        out += [
            f"Bugs are tracked on `GitHub Issues <{issues}>`_.",
            "In case of trouble, please check there if your issue has already been reported.",
            "If you spotted it first, help us to smash it by providing a detailed and welcomed",
            f"`feedback <{issues}/new?body={body}>`_.",
            "",
        ]
    out += ["Do not contact contributors directly about support or help with technical issues.", ""]

    out += heading("Credits", 1)
    authors = [a.strip() for a in manifest.get("author", "").split(",") if a.strip()]
    out += heading("Authors", 2) + ["- %s" % a for a in authors] + [""]
    if "CONTRIBUTORS.md" in fragments:
        out += heading("Contributors", 2) + md_to_rst(fragments["CONTRIBUTORS.md"], base_level=3) + [""]
    if "CREDITS.md" in fragments:
        out += heading("Other credits", 2) + md_to_rst(fragments["CREDITS.md"], base_level=3) + [""]
    if website:
        out += heading("Maintainers", 2)
        out += [f"This module is part of the `{website.split('github.com/')[-1]} <{website}>`_ project on GitHub.", ""]

    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"
    return text


def rst_problems(text, source):
    """Warnings and errors of docutils on the reST (empty when docutils is missing)."""
    try:
        from docutils.core import publish_doctree
    except ImportError:
        return []
    stream = io.StringIO()
    publish_doctree(
        text,
        source_path=str(source),
        settings_overrides={"warning_stream": stream, "report_level": 2, "halt_level": 5},
    )
    return [line for line in stream.getvalue().splitlines() if line.strip()]


def process(addon_dir, check):
    """Write (or, with ``check``, compare) the README.rst of one addon; returns the exit status."""
    addon_dir = addon_dir.resolve()
    target = addon_dir / "README.rst"
    text = generate(addon_dir)
    problems = rst_problems(text, target)
    for problem in problems:
        print(f"gen_readme: {problem}")
    if check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != text:
            diff = list(
                difflib.unified_diff(
                    current.splitlines(),
                    text.splitlines(),
                    f"{target} (committed)",
                    f"{target} (generated)",
                    lineterm="",
                )
            )
            print("\n".join(diff[:60]))
            if len(diff) > 60:
                print(f"... {len(diff) - 60} more diff lines")
            print(f"{target}: not generated from readme/*.md; run python tools/gen_readme.py")
            return 1
        print(f"{target}: up to date with readme/*.md ({len(problems)} reST problems)")
        return 1 if problems else 0
    target.write_text(text, encoding="utf-8")
    print(f"{target}: written ({len(problems)} reST problems)")
    return 1 if problems else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addon-dir", type=Path, help="the addon (default: every addon of the repository)")
    parser.add_argument("--check", action="store_true", help="fail when README.rst is not the generated one")
    args = parser.parse_args(argv)
    if args.addon_dir:
        addon_dirs = [args.addon_dir]
    else:
        addon_dirs = sorted(path.parent for path in REPO_ROOT.glob("*/__manifest__.py"))
    return max(process(addon_dir, args.check) for addon_dir in addon_dirs)


if __name__ == "__main__":
    sys.exit(main())
