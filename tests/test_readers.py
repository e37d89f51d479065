"""PDF and DOCX readers: real reports from the shared corpus and small documents built here."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from helpers import make_pdf as make_raw_pdf
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from gkcheck.errors import ReadError
from gkcheck.read import pdf as pdf_reader
from gkcheck.read import read_bytes, read_file
from gkcheck.read.docx import read_docx
from gkcheck.read.pdf import read_pdf

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus ../shared/corpus is absent")

HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
PAGE_NUMBER = re.compile(r"^\s*[-—–]\s*\d+\s*[-—–]\s*$|^第\s*\d+\s*页$|^\d+\s*/\s*\d+$")

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


# ---- builders -------------------------------------------------------------------------------------


def make_pdf(pages: list[list[str]], footers: list[str] | None = None, **info: str) -> bytes:
    """A PDF with one Chinese text line per entry, an optional footer per page and document info."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    if "title" in info:
        c.setTitle(info["title"])
    for n, lines in enumerate(pages):
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            c.drawString(72, 760 - 20 * i, line)
        if footers:
            c.drawCentredString(300, 40, footers[n])
        c.showPage()
    c.save()
    return buf.getvalue()


def make_scan_pdf(text_pages: int, scan_pages: int) -> bytes:
    """Text pages followed by pages that carry only a picture (as a scanner produces)."""
    picture = io.BytesIO()
    Image.new("RGB", (60, 80), (200, 200, 200)).save(picture, format="PNG")
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for _ in range(text_pages):
        c.setFont("STSong-Light", 12)
        c.drawString(72, 760, "一、总体情况：本机关认真贯彻落实政府信息公开条例的各项规定。")
        c.showPage()
    for _ in range(scan_pages):
        c.drawImage(ImageReader(io.BytesIO(picture.getvalue())), 50, 50, 500, 700)
        c.showPage()
    c.save()
    return buf.getvalue()


def png_bytes() -> io.BytesIO:
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 0, 0)).save(picture, format="PNG")
    picture.seek(0)
    return picture


def make_docx() -> bytes:
    """A DOCX with headings, a merged-cell table holding a picture, and a layout table with a nested one."""
    document = docx.Document()
    document.core_properties.title = "某县2024年政府信息公开工作年度报告"
    document.add_paragraph("一、总体情况")
    document.add_paragraph("\u3000\u3000本年度共收到申请 12 件。")
    document.add_paragraph("")
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=4, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "申请人情况"
    table.cell(1, 0).merge(table.cell(3, 0)).text = "三、本年度办理结果"
    table.cell(1, 1).text = "（一）予以公开"
    table.cell(1, 2).text = "\u3000 7 \u3000"
    cell = table.cell(2, 1)
    run = cell.paragraphs[0].add_run("商业")
    run.add_break(WD_BREAK.LINE)
    run.add_text("企业")
    table.cell(2, 2).paragraphs[0].add_run().add_picture(png_bytes())
    table.cell(3, 1).text = "（七）总计"
    table.cell(3, 2).text = "7"
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    layout = document.add_table(rows=1, cols=2)
    layout.cell(0, 0).text = "外层说明"
    inner = layout.cell(0, 1).add_table(rows=2, cols=2)
    for r in range(2):
        for c in range(2):
            inner.cell(r, c).text = f"内{r}{c}"
    document.add_paragraph().add_run().add_picture(png_bytes())
    document.add_paragraph("六、其他需要报告的事项")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# ---- PDF: real corpus -----------------------------------------------------------------------------


@needs_corpus
@pytest.mark.parametrize("name", ["huaian-2024.pdf", "hongze-2023.pdf", "hongze-2024.pdf"])
def test_pdf_corpus_headings_in_order_and_no_page_numbers(name: str) -> None:
    source = read_file(CORPUS / name)
    assert source.format == "pdf"
    positions = [source.lines.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    assert not [line for line in source.lines if PAGE_NUMBER.match(line)]
    assert all(line == line.rstrip() and line for line in source.lines)
    assert source.image_pages == []
    assert source.tables == []


@needs_corpus
def test_pdf_huaian_table_rows_and_metadata() -> None:
    source = read_file(CORPUS / "huaian-2024.pdf")
    for row in (
        "一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119",
        "二、上年结转政府信息公开申请数量 34 0 0 0 0 0 34",
        "（七）总计 2932 53 0 0 61 4 3050",
        "四、结转下年度继续办理 103 0 0 0 0 0 103",
        "行政事业性收费 96171.6",
        "72 64 178 37 351 13 4 8 1 26 12 1 1 6 20",
    ):
        assert row in source.lines
    assert source.metadata["created"] == "2025-02-25"
    assert source.metadata["modified"] == "2025-02-25"
    assert source.metadata["title"] == "政府信息公开工作年度报告"  # stored as UTF-16LE with a BOM
    assert source.lines[-1] == "办法》，全年收取政府信息公开信息处理费 3940 元。"


@needs_corpus
def test_pdf_hongze_2023_metadata_and_page_top_rows_kept() -> None:
    source = read_file(CORPUS / "hongze-2023.pdf")
    assert source.metadata["created"] == "2024-02-26"
    assert source.metadata["title"] == "洪泽区人民政府2023年政府信息公开工作年度报告"
    assert "一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21" in source.lines
    assert "3 0 0 0 0 0 3" in source.lines  # a data row, not a page number


@needs_corpus
def test_pdf_hongze_2024_created_date() -> None:
    source = read_file(CORPUS / "hongze-2024.pdf")
    assert source.metadata["created"] == "2025-02-25"
    assert "一、本年新收政府信息公开申请数量 95 0 0 0 0 0 95" in source.lines


# ---- PDF: generated -------------------------------------------------------------------------------


def test_pdf_generated_chinese_lines_page_numbers_dropped() -> None:
    pages = [["一、总体情况", "本年新收申请 3 0 3"], ["二、主动公开政府信息情况"], ["三、收到和处理"], ["4"]]
    data = make_pdf(pages, footers=["- 1 -", "第 2 页", "3/4", "4"], title="某县2024年年度报告")
    source = read_pdf(data, "gen.pdf")
    # page 4 holds a bare "4" as content above its footer "4": only the footer goes
    assert source.lines == ["一、总体情况", "本年新收申请 3 0 3", "二、主动公开政府信息情况", "三、收到和处理", "4"]
    assert source.metadata["title"] == "某县2024年年度报告"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", source.metadata["created"])


def test_pdf_scanned_pages_reported() -> None:
    source = read_bytes(make_scan_pdf(text_pages=1, scan_pages=2), "scan.pdf")
    assert source.image_pages == [2, 3]
    assert source.lines == ["一、总体情况：本机关认真贯彻落实政府信息公开条例的各项规定。"]


def test_pdf_all_pages_scanned_still_returns_source() -> None:
    source = read_bytes(make_scan_pdf(text_pages=0, scan_pages=2), "scan.pdf")
    assert source.image_pages == [1, 2]
    assert source.lines == []


def test_pdf_encrypted_with_password_refused() -> None:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt="secret")
    c.drawString(72, 700, "secret text")
    c.showPage()
    c.save()
    with pytest.raises(ReadError, match="已加密"):
        read_pdf(buf.getvalue(), "enc.pdf")


def test_pdf_owner_password_only_is_readable() -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=StandardEncryption("", ownerPassword="owner", canPrint=0))
    c.drawString(72, 700, "Report 2024")
    c.showPage()
    c.save()
    assert read_pdf(buf.getvalue(), "owner.pdf").lines == ["Report 2024"]


def test_pdf_page_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 3)
    data = make_pdf([["第一页"], ["第二页"], ["第三页"], ["第四页"]])
    with pytest.raises(ReadError, match="页数超过上限"):
        read_pdf(data, "long.pdf")
    assert read_pdf(make_pdf([["第一页"], ["第二页"], ["第三页"]]), "ok.pdf").lines == ["第一页", "第二页", "第三页"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("D:20250225100250+08'00'", "2025-02-25"),
        (b"D:20240226145645", "2024-02-26"),
        ("20231231", "2023-12-31"),
        ("D:2024", None),
        ("D:20241341", None),
        ("garbage", None),
        (None, None),
    ],
)
def test_pdf_date_parsing(raw: object, expected: str | None) -> None:
    assert pdf_reader._iso_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\xff\xfe?e\x9c^\xe1Oo`lQ\x00_", "政府信息公开"),
        (b"\xfe\xffe?^\x9cO\xe1`oQl_\x00", "政府信息公开"),
        ("政府信息公开".encode("gbk"), "政府信息公开"),
        ("年度报告".encode(), "年度报告"),
        (b"Annual report", "Annual report"),
        (b"\xff\xfe\x00\xd8", None),  # a lone surrogate: not text
        (b"\x81\x82\x83", None),
        (b"   ", None),
    ],
)
def test_pdf_title_decoding(raw: bytes, expected: str | None) -> None:
    assert pdf_reader._decode_title(raw) == expected


@pytest.mark.parametrize(
    ("line", "last", "page", "dropped"),
    [
        ("- 4 -", False, 4, True),
        ("— 12 —", True, 12, True),
        ("－ 3 －", True, 3, True),
        ("第 4 页", True, 4, True),
        ("第4页 共6页", True, 4, True),
        ("4/6", True, 4, True),
        ("4", True, 4, True),
        ("4", False, 4, False),
        ("250", True, 4, False),
        ("1 0 0 0 0 0 1", True, 4, False),
        ("一、总体情况", True, 1, False),
    ],
)
def test_pdf_page_number_lines(line: str, last: bool, page: int, dropped: bool) -> None:
    assert pdf_reader._is_page_number(line, last, page) is dropped


# ---- DOCX: real corpus ----------------------------------------------------------------------------


@needs_corpus
def test_docx_template_tables_and_headings() -> None:
    source = read_file(CORPUS / "template-2021-tables-blank.docx")
    assert source.format == "docx"
    positions = [source.lines.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    shapes = [(len(g.rows), {len(r) for r in g.rows}) for g in source.tables]
    assert shapes == [(14, {4}), (28, {10}), (4, {15})]
    assert [g.index for g in source.tables] == [1, 2, 3]
    assert [source.lines[g.line - 1] for g in source.tables] == [HEADINGS[1], HEADINGS[2], HEADINGS[3]]
    t1, t2, t3 = (g.rows for g in source.tables)
    assert t1[0] == ["第二十条第（一）项"] * 4
    assert t1[2] == ["规章", "", "", ""]  # U+3000 padding in the blank value cells is whitespace
    assert t2[3][:3] == ["一、本年新收政府信息公开申请数量"] * 3
    assert t2[3][3:] == [""] * 7
    assert t2[2][4] == "商业\n企业"
    assert [row[0] for row in t2[5:27]] == ["三、本年度办理结果"] * 22  # vertical merge repeated
    assert t2[27][0] == "四、结转下年度继续办理"
    assert t3[0][:5] == ["行政复议"] * 5 and t3[0][5:] == ["行政诉讼"] * 10
    assert t3[3] == [""] * 15
    assert source.metadata["created"] == "2025-12-03"
    assert source.metadata["modified"] == "2025-12-08"
    assert "title" not in source.metadata  # empty core title


@needs_corpus
def test_docx_template_grid_matches_python_docx_cells() -> None:
    path = CORPUS / "template-2021-tables-blank.docx"
    expected = [
        [[cell.text.replace("\u3000", " ").strip() for cell in row.cells] for row in table.rows]
        for table in docx.Document(str(path)).tables
    ]
    assert [g.rows for g in read_file(path).tables] == expected


# ---- DOCX: generated ------------------------------------------------------------------------------


def test_docx_generated_merged_cells_expanded() -> None:
    source = read_docx(make_docx(), "gen.docx")
    grid = source.tables[0]
    assert grid.rows == [
        ["申请人情况", "申请人情况", "申请人情况"],
        ["三、本年度办理结果", "（一）予以公开", "7"],
        ["三、本年度办理结果", "商业\n企业", ""],
        ["三、本年度办理结果", "（七）总计", "7"],
    ]
    assert grid.index == 1
    assert source.lines[grid.line - 1] == "三、收到和处理政府信息公开申请情况"
    assert grid.images == 1


def test_docx_generated_lines_and_nested_table() -> None:
    source = read_docx(make_docx(), "gen.docx")
    assert source.lines == [
        "一、总体情况",
        "本年度共收到申请 12 件。",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "外层说明",
        "六、其他需要报告的事项",
    ]
    assert len(source.tables) == 2  # the layout table is read as text; its nested table is a grid
    inner = source.tables[1]
    assert inner.rows == [["内00", "内01"], ["内10", "内11"]]
    assert inner.index == 2 and inner.line == 5
    assert source.images == 2


def test_docx_generated_metadata() -> None:
    source = read_docx(make_docx(), "gen.docx")
    assert source.metadata["title"] == "某县2024年政府信息公开工作年度报告"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", source.metadata.get("modified", "2000-01-01"))


def test_docx_grid_span_and_vmerge_from_raw_xml() -> None:
    """Hand-written merge markup (gridBefore, gridSpan, vMerge without val) is expanded like Word shows it."""
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            table.cell(r, c).text = f"{r}{c}"
    trs = table._tbl.findall(qn("w:tr"))
    # row 0: first cell spans two columns
    tc0, tc1 = trs[0].findall(qn("w:tc"))[:2]
    tc0.get_or_add_tcPr().append(_w("w:gridSpan", "2"))
    trs[0].remove(tc1)
    # rows 1–2: column 2 merged vertically; row 2's continuation cell has no w:val
    trs[1].findall(qn("w:tc"))[2].get_or_add_tcPr().append(_w("w:vMerge", "restart"))
    trs[2].findall(qn("w:tc"))[2].get_or_add_tcPr().append(_w("w:vMerge", None))
    buf = io.BytesIO()
    document.save(buf)
    grid = read_docx(buf.getvalue(), "raw.docx").tables[0]
    assert grid.rows == [["00", "00", "02"], ["10", "11", "12"], ["20", "21", "12"]]


def _w(tag: str, val: str | None) -> object:
    from docx.oxml import OxmlElement

    el = OxmlElement(tag)
    if val is not None:
        el.set(qn("w:val"), val)
    return el


def _two_page_pdf(first_page_content: bytes) -> bytes:
    """A hand-written two-page PDF with a Helvetica font; page 2 says "Page two"."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents %d 0 R "
    page += b"/Resources << /Font << /F1 5 0 R >> >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
        page % 4,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(first_page_content), first_page_content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        page % 7,
        b"<< /Length 38 >>\nstream\nBT /F1 12 Tf 72 700 Td (Page two) Tj ET\nendstream",
    ]
    return make_raw_pdf(objects)


def test_pdf_damaged_page_does_not_cost_the_others() -> None:
    source = read_pdf(_two_page_pdf(b"BT /F1 12 Tf 72 700 Td (Hi) Tj ET << /A >> Do"), "damaged.pdf")
    assert source.lines == ["Page two"]
    assert source.metadata["unreadable_pages"] == "1"


def test_pdf_hand_written_two_pages() -> None:
    source = read_pdf(_two_page_pdf(b"BT /F1 12 Tf 72 700 Td (Page one) Tj ET"), "two.pdf")
    assert source.lines == ["Page one", "Page two"]
    assert "unreadable_pages" not in source.metadata
    assert source.metadata == {}  # no information dictionary


def test_docx_image_count_ignores_text_boxes_and_fallbacks() -> None:
    from docx.oxml import parse_xml

    ns = {
        "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
        "v": "urn:schemas-microsoft-com:vml",
        "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
        "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    }
    decls = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in ns.items())
    text_box = (
        "<w:drawing><wp:inline><a:graphic><a:graphicData "
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"/></a:graphic></wp:inline></w:drawing>'
    )
    vml_picture = "<w:pict><v:shape><v:imagedata/></v:shape></w:pict>"
    paragraph = parse_xml(
        f"<w:p {decls}><w:r><mc:AlternateContent><mc:Choice Requires='wps'>{text_box}</mc:Choice>"
        f"<mc:Fallback>{vml_picture}</mc:Fallback></mc:AlternateContent></w:r>"
        f"<w:r>{vml_picture}</w:r><w:r><w:t>文字</w:t></w:r></w:p>"
    )
    document = docx.Document()
    document.element.body.insert(0, paragraph)
    buf = io.BytesIO()
    document.save(buf)
    source = read_docx(buf.getvalue(), "pictures.docx")
    assert source.lines == ["文字"]
    assert source.images == 1  # the VML picture; not the text box, not the fallback copy


def test_docx_text_in_content_controls_revisions_and_hyperlinks() -> None:
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    blocks = [
        f"<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p></w:sdtContent></w:sdt>",
        f"<w:p {w}><w:r><w:t>收到申请</w:t></w:r><w:ins><w:r><w:t> 12 </w:t></w:r></w:ins>"
        "<w:del><w:r><w:delText>99</w:delText></w:r></w:del><w:r><w:t>件</w:t></w:r>"
        "<w:r><w:br/><w:t>\u3000第二行</w:t></w:r></w:p>",
        f"<w:p {w}><w:hyperlink><w:r><w:t>链接文字</w:t></w:r></w:hyperlink></w:p>",
    ]
    document = docx.Document()
    for n, block in enumerate(blocks):
        document.element.body.insert(n, parse_xml(block))
    buf = io.BytesIO()
    document.save(buf)
    assert read_docx(buf.getvalue(), "controls.docx").lines == ["一、总体情况", "收到申请 12 件", "第二行", "链接文字"]
