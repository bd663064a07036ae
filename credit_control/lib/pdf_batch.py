"""Many report documents in one wkhtmltopdf call, on builds that take one input document.

wkhtmltopdf costs about a second per call to start and to parse the report's style sheets,
whatever the document. Builds "with patched Qt" take several documents and mark each with an
outline, which Odoo splits by. Debian's build (unpatched Qt) takes one document and writes no
outline: the documents of a batch are joined into one HTML document instead, each starting on
a new page with a marker text, and the PDF is split again at the pages carrying the markers.

Plain functions over HTML strings and page texts, tested without a database.
"""

import re

import lxml.html

# White 1 px text out of the flow, invisible on paper. A system font: wkhtmltopdf draws the report's
# web fonts as outlines, and only text in a system font stays in the PDF's text layer.
MARKER_STYLE = "position: absolute; font-family: monospace; font-size: 1px; line-height: 1px; color: #ffffff;"
_SPACES = re.compile(r"\s+")
# A text object of a page's content stream: BT … ET, the operators standing alone.
_TEXT_OBJECT = re.compile(rb"(?:^|\s)BT\s.*?\sET(?=\s|$)", re.S)


def marker_text(nonce, index):
    """The text leading document ``index``; ``nonce`` (hex digits, new for each batch) keeps a
    customer's own texts from ever reading as a marker."""
    return "CCPDF%sD%dE" % (nonce, index)


def join_report_bodies(bodies, nonce):
    """One HTML document of a report's bodies (each a whole document of Odoo's minimal layout).

    The head and the ``<body>`` attributes of the first document are kept; each body's content
    is wrapped in a block that starts a new page and leads with its marker. None when the
    bodies do not share their ``<body>`` attributes (e.g. left-to-right and right-to-left
    languages in one batch): they are rendered one by one then.
    """
    documents = [lxml.html.document_fromstring(body) for body in bodies]
    attributes = dict(documents[0].body.attrib)
    if any(dict(document.body.attrib) != attributes for document in documents[1:]):
        return None
    blocks = []
    for index, document in enumerate(documents):
        block = lxml.html.Element("div", {"class": "o_credit_pdf_document"})
        if index:
            block.set("style", "page-break-before: always;")
        marker = lxml.html.Element("span", {"style": MARKER_STYLE})
        marker.text = marker_text(nonce, index)
        block.append(marker)
        marker.tail = document.body.text
        for child in list(document.body):
            block.append(child)
        blocks.append(block)
    target = documents[0].body
    target.text = None
    for block in blocks:
        target.append(block)
    return lxml.html.tostring(documents[0], encoding="unicode", doctype="<!DOCTYPE html>")


def text_objects(content):
    """The text objects (``BT`` … ``ET``) of a page's decompressed content stream, joined.

    wkhtmltopdf draws the report's web fonts as outlines: a page's stream is ~0.7 MB of path
    operators and the only text in it is the marker. Extracting the text of these few bytes
    instead of the whole stream is ~20x faster (pypdf's text extraction parses every operator).
    """
    return b"\n".join(match.group(0).strip() for match in _TEXT_OBJECT.finditer(content or b""))


def split_page_ranges(page_texts, count, nonce):
    """[(first page, end page)] of ``count`` documents, from the markers in the pages' texts.

    None unless the markers 0 … count - 1 are each found once, in order, on pages of their own,
    the first on the first page: a PDF that cannot be split safely is not split.
    """
    pattern = re.compile(r"CCPDF%sD(\d+)E" % re.escape(nonce))
    starts = []
    for page, text in enumerate(page_texts):
        starts.extend((int(index), page) for index in pattern.findall(_SPACES.sub("", text or "")))
    if [index for index, _page in starts] != list(range(count)):
        return None
    pages = [page for _index, page in starts]
    if not pages or pages[0] != 0 or len(set(pages)) != count:
        return None
    return list(zip(pages, pages[1:] + [len(page_texts)], strict=True))
