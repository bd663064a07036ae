import functools
import io
import logging
import secrets
import subprocess

from odoo import api, models, tools
from odoo.tools.pdf import PdfFileReader, PdfFileWriter, generic

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

from ...lib.pdf_batch import join_report_bodies, split_page_ranges, text_objects

_logger = logging.getLogger(__name__)


@functools.cache
def wkhtmltopdf_renders_batches():
    """Whether wkhtmltopdf takes several documents in one call: only builds "with patched qt"
    do (the official wkhtmltox packages Odoo recommends; Debian's own package does not)."""
    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "patched qt" in version


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _credit_render_pdfs(self, report_ref, res_ids):
        """{res_id: PDF bytes} of a batch of records, wkhtmltopdf started once for all of them.

        A build with patched Qt takes Odoo's own path (one input document per record, split by
        outlines); any other build gets the records joined into one document and split again by
        page markers (``lib.pdf_batch``). Records missing from the result (a document Odoo could
        not split, a PDF whose markers are not all found) are rendered one by one by the caller.
        Tests render HTML, as Odoo's own reports do, unless ``force_report_rendering``.
        """
        if len(res_ids) < 2 or (
            (tools.config["test_enable"] or tools.config["test_file"])
            and not self.env.context.get("force_report_rendering")
        ):
            return {}
        if wkhtmltopdf_renders_batches():
            streams, _report_format = self._pre_render_qweb_pdf(report_ref, res_ids=res_ids)
            return {
                res_id: streams[res_id]["stream"].getvalue()
                for res_id in res_ids
                if (streams.get(res_id) or {}).get("stream")
            }
        return self._credit_render_pdfs_in_one_document(report_ref, res_ids)

    @api.model
    def _credit_render_pdfs_in_one_document(self, report_ref, res_ids):
        report = self._get_report(report_ref)
        # no debug assets (Odoo's own PDF rendering does the same), webp images as jpg
        renderer = self.with_context(debug=False, webp_as_jpg=True)
        html = renderer._render_qweb_html(report_ref, res_ids, data={"report_type": "pdf", "debug": False})[0]
        bodies, html_ids, header, footer, paperformat_args = report.with_context(debug=False)._prepare_html(
            html, report_model=report.model
        )
        nonce = secrets.token_hex(4)
        document = join_report_bodies(bodies, nonce) if html_ids == list(res_ids) else None
        if document is None:
            return {}
        pdf = renderer._run_wkhtmltopdf(
            [document],
            report_ref=report_ref,
            header=header,
            footer=footer,
            landscape=self.env.context.get("landscape"),
            specific_paperformat_args=paperformat_args,
            set_viewport_size=self.env.context.get("set_viewport_size"),
        )
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        ranges = split_page_ranges(self._credit_marker_texts(reader), len(res_ids), nonce)
        if ranges is None:  # another build may write the page's text otherwise: the whole text
            ranges = split_page_ranges([page.extract_text() for page in reader.pages], len(res_ids), nonce)
        if ranges is None:
            _logger.warning("credit_control: the batch PDF of %s could not be split, one by one instead", report_ref)
            return {}
        pdfs = {}
        for res_id, (first, end) in zip(res_ids, ranges, strict=True):
            writer = PdfFileWriter()
            for page in range(first, end):
                writer.add_page(reader.pages[page])
            stream = io.BytesIO()
            writer.write(stream)
            pdfs[res_id] = stream.getvalue()
        return pdfs

    @api.model
    def _credit_marker_texts(self, reader):
        """The text of each page's text objects only (``lib.pdf_batch.text_objects``), read on a
        blank page with the page's fonts: the PDF itself is left as it is."""
        texts = []
        for page in reader.pages:
            contents = page.get_contents()
            stream = generic.DecodedStreamObject()
            stream.set_data(text_objects(contents.get_data() if contents else b""))
            blank = type(page).create_blank_page(width=1, height=1)
            blank[generic.NameObject("/Resources")] = page.get("/Resources", generic.DictionaryObject())
            blank[generic.NameObject("/Contents")] = stream
            texts.append(blank.extract_text())
        return texts
