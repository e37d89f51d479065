"""Hostile inputs: every case must end in a Source or a ReadError with a Chinese message, quickly."""

from __future__ import annotations

import io
import random
import re
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from helpers import make_pdf, time_limit
from reportlab.pdfgen import canvas

from gkcheck.errors import ReadError
from gkcheck.model import Source
from gkcheck.read import docx as docx_reader
from gkcheck.read import read_bytes, read_file

TIME_LIMIT = 20  # seconds; a case that needs more is a hang (each normally takes well under 2 s)
CJK = re.compile(r"[\u4e00-\u9fff]")
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="word/document.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    b"</Relationships>"
)
LOL_ENTITIES = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i + 1} "{("&lol" + (str(i) if i else "") + ";") * 10}">' for i in range(9)
)


# ---- helpers --------------------------------------------------------------------------------------


def outcome(data: bytes, name: str, **kwargs: int) -> Source | ReadError:
    """read_bytes' result: a Source, or the ReadError it raised (checked to be Chinese). Nothing else."""
    with time_limit(TIME_LIMIT):
        try:
            return read_bytes(data, name, **kwargs)
        except ReadError as exc:
            assert_chinese(exc)
            return exc


def refused(data: bytes, name: str, **kwargs: int) -> ReadError:
    result = outcome(data, name, **kwargs)
    assert isinstance(result, ReadError), f"expected a ReadError, got {result!r:.300}"
    return result


ENGLISH_PROSE = re.compile(r"[A-Za-z]{3,} [a-z]{2,}")  # a library's own message ("File is not a zip file")


def assert_chinese(exc: ReadError) -> None:
    assert CJK.search(exc.message), exc.message
    assert "Traceback" not in str(exc)
    assert not ENGLISH_PROSE.search(exc.message), exc.message


def all_text(source: Source) -> str:
    cells = ["\n".join(cell for row in grid.rows for cell in row) for grid in source.tables]
    return "\n".join([*source.lines, *cells, *source.metadata.values()])


def w_document(body: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document {W_NS}><w:body>{body}</w:body></w:document>'
    ).encode()


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def make_docx(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", PACKAGE_RELS)
        zf.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def pdf_stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), extra, data)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def one_page_pdf(contents: bytes) -> bytes:
    return make_pdf([CATALOG, PAGES, PAGE, contents, FONT])


def reportlab_pdf(pages: int = 3, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, **kwargs)
    for n in range(pages):
        c.drawString(72, 700, f"Section {n + 1}: annual report text")
        c.showPage()
    c.save()
    return buf.getvalue()


# ---- any format -----------------------------------------------------------------------------------


def test_empty_file() -> None:
    assert "为空" in refused(b"", "empty.pdf").message


def test_whitespace_only() -> None:
    result = outcome(b"  \r\n\t \n \xe3\x80\x80 ", "blank.txt")
    if isinstance(result, Source):
        assert not any(line.strip() for line in result.lines)


def test_binary_garbage_named_html() -> None:
    refused(bytes(range(256)) * 40, "garbage.html")


def test_nul_bytes_inside_html() -> None:
    outcome(b"<html><body><p>\x00\x00\x00\xff\xfe</p>" + b"\x00" * 1000 + b"</body></html>", "nul.html")


def test_mixed_encodings_utf8_and_gbk_halves() -> None:
    data = "<html><body><p>一、总体情况</p>\n".encode() + "<p>二、主动公开政府信息情况</p></body></html>".encode("gbk")
    result = outcome(data, "mixed.html")
    assert isinstance(result, Source)
    assert result.lines == ["一、总体情况", "二、主动公开政府信息情况"]


def test_utf16_html_with_bom() -> None:
    result = outcome("<html><body><p>一、总体情况</p></body></html>".encode("utf-16"), "utf16.html")
    assert isinstance(result, Source)
    assert "一、总体情况" in result.lines


def test_legacy_ole_doc_header() -> None:
    assert "另存为" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8, "old.doc").message


def test_xlsx_workbook() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert "Excel" in refused(buf.getvalue(), "table.xlsx").message


def test_png_image() -> None:
    refused(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200), "scan.png")


def test_json_nested_100k_deep() -> None:
    refused(b'{"document": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "deep.json")


def test_file_larger_than_limit_bytes() -> None:
    assert "过大" in refused(b"<p>" + b"x" * 5000 + b"</p>", "big.html", max_bytes=1000).message


def test_file_larger_than_limit_path(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 5000)
    with time_limit(TIME_LIMIT), pytest.raises(ReadError, match="过大") as info:
        read_file(path, max_bytes=1000)
    assert_chinese(info.value)


def test_nonexistent_path(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="不存在") as info:
        read_file(tmp_path / "missing.pdf")
    assert_chinese(info.value)
    assert info.value.path


def test_directory_path(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="文件夹") as info:
        read_file(tmp_path)
    assert_chinese(info.value)


def test_sniff_refusal_names_the_file() -> None:
    assert refused(b"\x89PNG\r\n\x1a\n" + bytes(50), "scan.png").path == "scan.png"


# ---- PDF ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.99])
def test_pdf_truncated(fraction: float) -> None:
    data = reportlab_pdf()
    outcome(data[: int(len(data) * fraction)], "cut.pdf")


def test_pdf_truncated_keeps_message_about_damage() -> None:
    assert "损坏" in refused(reportlab_pdf()[:400], "cut.pdf").message


def test_pdf_header_followed_by_garbage() -> None:
    assert "损坏" in refused(b"%PDF-1.7\n" + bytes(range(256)) * 64, "garbage.pdf").message


def test_pdf_encrypted_with_user_password() -> None:
    message = refused(reportlab_pdf(encrypt="secret"), "locked.pdf").message
    assert message == "PDF 文件已加密，无法读取文字：请提供未加密的版本"


def test_pdf_flate_bomb_content_stream() -> None:
    packer = zlib.compressobj(9)
    bomb = b"".join(packer.compress(bytes(1 << 20)) for _ in range(200)) + packer.flush()
    assert "压缩炸弹" in refused(one_page_pdf(pdf_stream(bomb, b"/Filter /FlateDecode ")), "bomb.pdf").message


def test_pdf_runlength_bomb_content_stream() -> None:
    runs = bytes([129, 0]) * 600_000  # each pair expands to 128 bytes: 76 MB
    refused(one_page_pdf(pdf_stream(runs, b"/Filter /RunLengthDecode ")), "rle.pdf")


def test_pdf_corrupt_large_flate_stream_is_not_quadratic() -> None:
    """pdfminer re-inflates corrupt Flate data byte by byte with quadratic copying: 1 MB took minutes."""
    noise = random.Random(7)
    comments = b"".join(b"%% %s\n" % noise.randbytes(30).hex().encode() for _ in range(30_000))
    packed = bytearray(zlib.compress(comments))
    packed[len(packed) // 2] ^= 0x55
    outcome(one_page_pdf(pdf_stream(bytes(packed), b"/Filter /FlateDecode ")), "corrupt.pdf")


def test_pdf_self_referencing_object() -> None:
    page = PAGE.replace(b"/Contents 4 0 R", b"/Contents 6 0 R")
    refused(make_pdf([CATALOG, PAGES, page, pdf_stream(b""), FONT, b"6 0 R"]), "loop.pdf")


def test_pdf_reference_cycle_between_two_objects() -> None:
    page = PAGE.replace(b"/Contents 4 0 R", b"/Contents 6 0 R")
    outcome(make_pdf([CATALOG, PAGES, page, pdf_stream(b""), FONT, b"7 0 R", b"6 0 R"]), "loop2.pdf")


def test_pdf_stream_length_refers_to_itself() -> None:
    contents = b"<< /Length 4 0 R >>\nstream\nBT /F1 12 Tf 72 700 Td (Hi) Tj ET\nendstream"
    outcome(one_page_pdf(contents), "length.pdf")


def test_pdf_page_tree_cycle() -> None:
    pages = b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1 >>"
    result = outcome(make_pdf([CATALOG, pages, PAGE, pdf_stream(b"BT /F1 12 Tf 72 700 Td (Hi) Tj ET"), FONT]), "t.pdf")
    assert isinstance(result, ReadError) or result.lines == ["Hi"]


def test_pdf_form_xobject_draws_itself() -> None:
    page = PAGE.replace(b"/Font << /F1 5 0 R >>", b"/XObject << /X 5 0 R >>")
    form_dict = b"/Type /XObject /Subtype /Form /BBox [0 0 9 9] /Resources << /XObject << /X 5 0 R >> >> "
    form = pdf_stream(b"/X Do", form_dict)
    outcome(make_pdf([CATALOG, PAGES, page, pdf_stream(b"/X Do"), form]), "form.pdf")


def test_pdf_xref_prev_points_to_itself() -> None:
    data = reportlab_pdf(pages=1)
    xref = data.rfind(b"\nxref") + 1
    data = data.replace(b"trailer\n<<", b"trailer\n<< /Prev %d" % xref)
    outcome(data, "prev.pdf")


def test_pdf_more_than_500_pages() -> None:
    assert "500" in refused(reportlab_pdf(pages=501), "long.pdf").message


def test_pdf_huge_page_count_claim() -> None:
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 999999999 >>"
    outcome(make_pdf([CATALOG, pages, PAGE, pdf_stream(b"BT /F1 12 Tf 72 700 Td (Hi) Tj ET"), FONT]), "c.pdf")


# ---- DOCX / ZIP -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A DOCX whose media member inflates to 300 MB of zeros (about 300 KB on disk)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", PACKAGE_RELS)
        zf.writestr("word/document.xml", w_document(para("一、总体情况")))
        with zf.open("word/media/image1.png", "w") as member:
            chunk = bytes(1 << 20)
            for _ in range(300):
                member.write(chunk)
    return buf.getvalue()


def test_docx_zip_bomb(zip_bomb: bytes) -> None:
    assert len(zip_bomb) < 2_000_000
    assert "压缩炸弹" in refused(zip_bomb, "bomb.docx").message


def test_docx_high_compression_ratio_member() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("word/document.xml", w_document(para("x")))
        zf.writestr("word/media/zeros.bin", bytes(20 << 20))  # 20 MB at about 1000:1
    assert "压缩比" in refused(buf.getvalue(), "ratio.docx").message


def test_docx_member_larger_than_zip_directory_claims() -> None:
    """The central directory understates document.xml's size; its real content must not be trusted."""
    real = w_document(para("一、总体情况") * 200_000)
    data = bytearray(make_docx(real))
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(b"word/document.xml"))
    data[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")  # uncompressed size field
    refused(bytes(data), "liar.docx")


def test_zip_with_too_many_members() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("word/document.xml", w_document(para("x")))
        for n in range(10_001):
            zf.writestr(f"word/media/{n}.bin", b"")
    assert "过多" in refused(buf.getvalue(), "many.docx").message


def test_docx_billion_laughs() -> None:
    data = make_docx(w_document(para("&lol9;"), f"<!DOCTYPE w:document [{LOL_ENTITIES}]>"))
    assert "DOCTYPE" in refused(data, "lol.docx").message


def test_docx_xxe_reads_etc_passwd() -> None:
    prolog = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    result = outcome(make_docx(w_document(para("A&xxe;B"), prolog)), "xxe.docx")
    assert isinstance(result, ReadError) or "root:" not in all_text(result)


def test_docx_xxe_not_expanded_even_without_prescan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: python-docx's own parser must not resolve external entities either."""
    monkeypatch.setattr(docx_reader, "_check_xml_parts", lambda zf: None)
    prolog = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    result = outcome(make_docx(w_document(para("A&xxe;B"), prolog)), "xxe.docx")
    assert isinstance(result, ReadError) or "root:" not in all_text(result)


def test_docx_billion_laughs_not_expanded_even_without_prescan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "_check_xml_parts", lambda zf: None)
    data = make_docx(w_document(para("&lol9;"), f"<!DOCTYPE w:document [{LOL_ENTITIES}]>"))
    result = outcome(data, "lol.docx")
    assert isinstance(result, ReadError) or "lollollol" not in all_text(result)


def test_docx_doctype_in_core_properties() -> None:
    core = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>'
    refused(make_docx(w_document(para("x")), {"docProps/core.xml": core}), "core.docx")


def test_docx_utf16_document_with_doctype() -> None:
    xml = f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w:document [{LOL_ENTITIES}]>'
    xml += f"<w:document {W_NS}><w:body>{para('&lol9;')}</w:body></w:document>"
    refused(make_docx(xml.encode("utf-16")), "utf16.docx")


def test_docx_300_nested_tables() -> None:
    body = "<w:tbl><w:tr><w:tc>" * 300 + para("deep") + "</w:tc></w:tr></w:tbl>" * 300
    outcome(make_docx(w_document(para("一、总体情况") + body)), "nested.docx")


def test_docx_nested_tables_within_parser_depth() -> None:
    body = "<w:tbl><w:tr><w:tc>" * 40 + para("deep") + "</w:tc></w:tr></w:tbl>" * 40
    result = outcome(make_docx(w_document(para("一、总体情况") + body)), "nested.docx")
    assert isinstance(result, Source)
    assert result.lines == ["一、总体情况"]
    assert [grid.rows for grid in result.tables] == [[["deep"]]]


def test_docx_gridspan_999999_and_bad_numbers() -> None:
    row = '<w:tr><w:trPr><w:gridBefore w:val="-7"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="999999"/></w:tcPr>'
    row += para("x") + '</w:tc><w:tc><w:tcPr><w:gridSpan w:val="abc"/><w:vMerge/></w:tcPr>' + para("y")
    row += "</w:tc></w:tr>"
    result = outcome(make_docx(w_document(f"<w:tbl>{row * 3}</w:tbl>")), "span.docx")
    assert isinstance(result, Source)
    assert all(len(r) <= 65 for r in result.tables[0].rows)


def test_docx_table_with_too_many_cells() -> None:
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="64"/></w:tcPr><w:p/></w:tc>'
    rows = f"<w:tr>{cell * 10}</w:tr>" * 400
    assert "表格过大" in refused(make_docx(w_document(f"<w:tbl>{rows}</w:tbl>")), "huge.docx").message


def test_docx_truncated() -> None:
    data = make_docx(w_document(para("一、总体情况") * 50))
    for cut in (30, len(data) // 2, len(data) - 10):
        outcome(data[:cut], "cut.docx")


def test_docx_document_xml_not_xml() -> None:
    refused(make_docx(b"this is not xml"), "text.docx")


def test_docx_macro_enabled_content_type() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES.replace(b"wordprocessingml.document.main", b"x.macro"))
        zf.writestr("_rels/.rels", PACKAGE_RELS)
        zf.writestr("word/document.xml", w_document(para("x")))
    refused(buf.getvalue(), "macro.docx")


def test_docx_without_content_types() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", w_document(para("x")))
    refused(buf.getvalue(), "bare.docx")


def test_docx_without_core_properties_invents_no_metadata() -> None:
    result = outcome(make_docx(w_document(para("一、总体情况"))), "plain.docx")
    assert isinstance(result, Source)
    assert result.metadata == {}


# ---- HTML -----------------------------------------------------------------------------------------


def test_html_billion_laughs_doctype() -> None:
    data = f'<?xml version="1.0"?><!DOCTYPE html [{LOL_ENTITIES}]><html><body><p>&lol9;</p></body></html>'
    result = outcome(data.encode(), "lol.html")
    assert isinstance(result, ReadError) or len(all_text(result)) < 2000


def test_html_external_entity_doctype() -> None:
    data = b'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><html><body><p>A&xxe;B</p></body></html>'
    result = outcome(data, "xxe.html")
    assert isinstance(result, ReadError) or "root:" not in all_text(result)


def test_html_100k_nested_divs() -> None:
    outcome(b"<html><body>" + b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000 + b"</body></html>", "divs.html")


def test_html_50k_nested_tables() -> None:
    data = b"<html><body>" + b"<table><tr><td>" * 50_000 + b"x" + b"</td></tr></table>" * 50_000 + b"</body></html>"
    outcome(data, "tables.html")


def test_html_50k_unclosed_tables() -> None:
    outcome(b"<table><tr><td>" * 50_000 + b"x", "open.html")


def test_html_rowspan_colspan_999999() -> None:
    data = b'<table><tr><td rowspan="999999" colspan="999999">x</td><td>y</td></tr><tr><td>z</td></tr></table>'
    result = outcome(data, "span.html")
    if isinstance(result, Source):
        assert sum(len(row) for grid in result.tables for row in grid.rows) <= 20_000


def test_html_many_wide_rows() -> None:
    outcome(b"<table>" + b'<tr><td colspan="64">x</td></tr>' * 5000 + b"</table>", "wide.html")


# ---- grids padded to rows × width -----------------------------------------------------------------


def test_html_one_wide_row_then_ten_thousand_empty_rows() -> None:
    page = "<table><tr>" + "<td>1</td>" * 9_999 + "</tr>" + "<tr></tr>" * 10_000 + "</table>"
    assert len(page) < 200_000
    started = time.monotonic()
    assert "表格过大" in refused(page.encode(), "padded.html").message
    assert time.monotonic() - started < TIME_LIMIT


def test_docx_one_wide_row_then_ten_thousand_empty_rows() -> None:
    row = "<w:tr>" + "<w:tc><w:p/></w:tc>" * 9_999 + "</w:tr>"
    data = make_docx(w_document(f"<w:tbl>{row}{'<w:tr/>' * 10_000}</w:tbl>"))
    assert "表格过大" in refused(data, "padded.docx").message


# ---- text lines -----------------------------------------------------------------------------------


def _best_time(func, *args: object) -> float:
    from gkcheck.extract.numbers import parse_number

    best = float("inf")
    for _ in range(2):
        parse_number.cache_clear()  # each size pays for parsing its tokens
        started = time.perf_counter()
        func(*args)
        best = min(best, time.perf_counter() - started)
    return best


def test_split_line_of_2mb_of_numbers_is_linear() -> None:
    """A 2 MB line of numbers against a 200 KB one: a linear split costs about 10×, a quadratic one 100×."""
    from gkcheck.extract.tables_text import split_line

    small = "表三 " + " ".join(str(n) for n in range(38_000))
    large = "表三 " + " ".join(str(n) for n in range(340_000))
    assert 180_000 < len(small) < 240_000 and 1_900_000 < len(large) < 2_400_000
    label, nums = split_line(large)
    assert label == "表三" and len(nums) == 340_000
    ratio = _best_time(split_line, large) / _best_time(split_line, small)
    assert ratio < 30, f"2 MB took {ratio:.1f}× the time of 200 KB"


# ---- PDF page count -------------------------------------------------------------------------------


def test_pdf_page_count_checked_before_any_page_is_extracted(monkeypatch: pytest.MonkeyPatch) -> None:
    from gkcheck.read import pdf as pdf_reader

    extracted: list[int] = []
    real = pdf_reader._page_content

    def counting(page: object) -> tuple[str, bool]:
        extracted.append(1)
        return real(page)

    monkeypatch.setattr(pdf_reader, "_page_content", counting)
    assert "500" in refused(reportlab_pdf(pages=501), "long.pdf").message
    assert extracted == []


# ---- type detection -------------------------------------------------------------------------------


def test_one_nul_byte_in_64kb_does_not_reject_a_report() -> None:
    from synth import build_html, synth_values

    page = build_html("2021", synth_values("2021", 1)).encode("utf-8")
    middle = len(page) // 2
    source = outcome(page[:middle] + b"\x00" + page[middle:], "nul.html")
    assert isinstance(source, Source) and source.format == "html" and source.tables


def test_pdf_marker_inside_a_text_file_is_still_text() -> None:
    text = "关于文件格式的说明：PDF 文件以 %PDF-1.7 开头。\n一、总体情况\n本年度工作正常开展。\n".encode()
    source = outcome(text, "note.txt")
    assert isinstance(source, Source) and source.format == "text"


def test_pdf_after_leading_junk_with_eof_trailer_is_a_pdf() -> None:
    data = b"Content-Type: application/pdf\r\n\r\n" + reportlab_pdf(pages=1)
    source = outcome(data, "mail.pdf")
    assert isinstance(source, Source) and source.format == "pdf"


def test_text_starting_with_a_brace_is_not_json() -> None:
    text = "{政府信息公开工作年度报告}\n一、总体情况\n本年度工作正常开展。\n".encode()
    source = outcome(text, "brace.txt")
    assert isinstance(source, Source) and source.format == "text"


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"])
def test_utf32_and_bomless_utf16_text_is_decoded(encoding: str) -> None:
    text = "2024年政府信息公开工作年度报告 (report 2024)\n一、总体情况\n本年度工作正常开展。\n" * 20
    source = outcome(text.encode(encoding), "wide.txt")
    assert isinstance(source, Source), source
    assert "一、总体情况" in source.lines


def test_utf16_bom_followed_by_binary_cannot_be_decoded() -> None:
    rng = random.Random(3)
    data = b"\xff\xfe" + "年度报告".encode("utf-16-le") + bytes(rng.randrange(256) for _ in range(20_000))
    assert "无法解码" in refused(data, "broken.txt").message


def test_binary_garbage_says_cannot_decode() -> None:
    rng = random.Random(4)
    data = bytes(rng.randrange(256) for _ in range(5_000))
    assert "无法解码" in refused(data, "junk.txt").message


def test_characters_skipped_by_the_decoding_check_are_all_text() -> None:
    """The decoding check removes runs of common characters before looking at the rest one by one: none of
    them may be a character it counts as not text, or removing them would hide garbled input."""
    import unicodedata

    from gkcheck.read.decode import PLAIN_RUNS

    skipped = "".join(PLAIN_RUNS.findall("".join(map(chr, range(0x10000)))))
    assert "\ufffd" not in skipped and len(skipped) > 20_000
    assert [ch for ch in skipped if ch >= " " and unicodedata.category(ch) in ("Co", "Cn", "Cs", "Cc")] == []


def test_many_private_use_characters_among_chinese_text_cannot_be_decoded() -> None:
    text = "政府信息公开工作年度报告，本年度工作正常开展。\n" * 40 + "\ue000\ue001\ue002" * 200
    assert "无法解码" in refused(text.encode("utf-8"), "pua.txt").message
    assert isinstance(outcome((text[:900] + "\ue000" * 5).encode("utf-8"), "few.txt"), Source)
