"""Property-based fuzzing of `read_bytes`: whatever the bytes, the outcome is a Source or a Chinese ReadError.

Seeds are the shared corpus when present, plus small HTML/DOCX/PDF/TXT/JSON documents generated here.
Mutations: byte flips, truncations, insertions, deletions and duplications; DOCX and PDF also get
structure-aware mutations (the XML inside the ZIP, an uncompressed PDF).
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from pathlib import Path

import docx
from helpers import time_limit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from gkcheck.errors import ReadError
from gkcheck.model import Source
from gkcheck.read import read_bytes

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
CJK = re.compile(r"[\u4e00-\u9fff]")
TIME_LIMIT = 20  # seconds for one read; more is a hang
FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
SLOW = settings(FAST, max_examples=40)  # seeds whose every read costs a few hundred milliseconds

MAGIC = [b"%PDF-1.4\n", b"PK\x03\x04", b"<html><body>", b"<table><tr><td>", b"{", b"\xef\xbb\xbf", b"\xff\xfe", b""]


# ---- seed corpus ----------------------------------------------------------------------------------


def _html_seed() -> bytes:
    return (
        "<html><head><meta charset='utf-8'><title>某县2024年政府信息公开工作年度报告</title></head><body>"
        "<p>一、总体情况</p><p>本年度共收到申请 12 件。</p><p>二、主动公开政府信息情况</p>"
        "<table><tr><td colspan='2'>第二十条第（一）项</td></tr><tr><td rowspan='2'>规章</td><td>1</td></tr>"
        "<tr><td>2</td></tr></table><p>六、其他需要报告的事项</p></body></html>"
    ).encode()


def _docx_seed() -> bytes:
    document = docx.Document()
    document.core_properties.title = "年度报告"
    document.add_paragraph("一、总体情况")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "申请人情况"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "三、本年度办理结果"
    table.cell(1, 1).text = "（一）予以公开"
    table.cell(1, 2).text = "7"
    inner = table.cell(2, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内"
    document.add_paragraph("六、其他需要报告的事项")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _pdf_seed(compress: bool) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=1 if compress else 0)
    c.setTitle("年度报告")
    for page in range(2):
        c.setFont("STSong-Light", 12)
        c.drawString(72, 760, "一、总体情况" if page == 0 else "六、其他需要报告的事项")
        c.drawString(72, 740, "一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3")
        c.drawCentredString(300, 40, f"- {page + 1} -")
        c.showPage()
    c.save()
    return buf.getvalue()


@functools.cache
def generated_seeds() -> tuple[tuple[str, bytes], ...]:
    return (
        ("seed.html", _html_seed()),
        ("seed.docx", _docx_seed()),
        ("seed.pdf", _pdf_seed(compress=True)),
        ("plain.pdf", _pdf_seed(compress=False)),
        ("seed.txt", "一、总体情况\n本年度共收到申请 12 件。\n六、其他需要报告的事项\n".encode("gbk")),
        ("seed.json", b'{"document": {"kind": "annual_report"}, "cells": {}}'),
    )


@functools.cache
def corpus_seeds() -> tuple[tuple[str, bytes], ...]:
    if not CORPUS.is_dir():
        return ()
    files = sorted(p for p in CORPUS.iterdir() if p.suffix in (".pdf", ".docx", ".txt"))
    return tuple((p.name, p.read_bytes()) for p in files)


# ---- mutations ------------------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` after 1–4 random edits."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate", "overwrite"]))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if kind == "flip" and out:
            out[at] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del out[at:]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del out[at : at + draw(st.integers(1, 256))]
        elif kind == "duplicate":
            out[at:at] = out[at : at + draw(st.integers(1, 512))]
        elif kind == "overwrite":
            chunk = draw(st.sampled_from([b"0 R", b"999999999", b"<<", b">>", b"-1", b"\x00" * 8, b"<w:tbl>", b"/"]))
            out[at : at + len(chunk)] = chunk
    return bytes(out)


def rezip(data: bytes, member: str, mutate: bytes) -> bytes:
    """The DOCX `data` with `member` replaced by `mutate`."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, mutate if info.filename == member else src.read(info.filename))
    return buf.getvalue()


@st.composite
def docx_xml_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    member = draw(st.sampled_from(["word/document.xml", "docProps/core.xml", "[Content_Types].xml"]))
    return rezip(data, member, draw(mutated(zipfile.ZipFile(io.BytesIO(data)).read(member))))


# ---- the property ---------------------------------------------------------------------------------


def check(data: bytes, name: str) -> None:
    """Only a Source or a ReadError with a Chinese message is an acceptable outcome."""
    with time_limit(TIME_LIMIT):
        try:
            source = read_bytes(data, name)
        except ReadError as exc:
            assert CJK.search(exc.message), exc.message
            return
    assert isinstance(source, Source)
    assert all(isinstance(line, str) for line in source.lines)
    for grid in source.tables:
        assert len({len(row) for row in grid.rows}) <= 1, "grid is not rectangular"


@FAST
@given(data=st.binary(max_size=4096), name=st.sampled_from(["a.pdf", "a.docx", "a.html", "a.txt", "a"]))
def test_random_bytes(data: bytes, name: str) -> None:
    check(data, name)


@FAST
@given(magic=st.sampled_from(MAGIC), tail=st.binary(max_size=2048))
def test_random_bytes_behind_magic_numbers(magic: bytes, tail: bytes) -> None:
    check(magic + tail, "magic.bin")


@FAST
@given(st.data())
def test_mutated_generated_documents(data: st.DataObject) -> None:
    name, seed = data.draw(st.sampled_from(generated_seeds()))
    check(data.draw(mutated(seed)), name)


@FAST
@given(st.data())
def test_mutated_docx_xml_parts(data: st.DataObject) -> None:
    check(data.draw(docx_xml_mutation(dict(generated_seeds())["seed.docx"])), "xml.docx")


@FAST
@given(st.data())
def test_mutated_uncompressed_pdf(data: st.DataObject) -> None:
    check(data.draw(mutated(dict(generated_seeds())["plain.pdf"])), "plain.pdf")


@FAST
@given(text=st.text(alphabet=st.sampled_from(list("<>/=\"' tdrableiv&;#x0123一二、表格\n")), max_size=600))
def test_random_tag_soup_html(text: str) -> None:
    check(("<html><body>" + text).encode(), "soup.html")


@SLOW
@given(st.data())
def test_mutated_corpus_documents(data: st.DataObject) -> None:
    seeds = corpus_seeds() or generated_seeds()
    name, seed = data.draw(st.sampled_from(seeds))
    if name.endswith(".docx") and data.draw(st.booleans()):
        check(data.draw(docx_xml_mutation(seed)), name)
    else:
        check(data.draw(mutated(seed)), name)
