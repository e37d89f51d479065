"""Chinese labels for the codes used in the data model and the check result (one place for all outputs)."""

from __future__ import annotations

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
KIND_LABELS = {
    "annual_report": "政府信息公开工作年度报告",
    "legacy_annual_report": "旧版（2019 年以前格式）政府信息公开工作年度报告",
    "not_annual_report": "不是政府信息公开工作年度报告",
    "missing": "未发布/未提交",  # an expected unit (units file) without a report for the year
}
ISSUER_KIND_LABELS = {"government": "政府", "department": "部门", "unknown": "未知"}
TEMPLATE_LABELS = {
    "2019": "2019 年版（国办公开办函〔2019〕60号）",
    "2021": "2021 年版（国办公开办函〔2021〕30号）",
    "mixed": "新旧格式混用",
}
PUBLISHED_SOURCE_LABELS = {
    "page": "网页标注",
    "page_meta": "网页元数据",
    "page_written": "网页标注的成文日期",
    "page_other": "网页上的其他日期",
    "pdf_metadata": "PDF 文件属性",
    "docx_metadata": "Word 文件属性",
    "signature": "落款日期",
    "data": "数据文件",
    "override": "命令行指定",
}
TABLE_SHORT_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四", "legacy": "附表"}


def published_evidence(published: dict | None) -> str:
    """Which date was used and where it stands, e.g. `页面第3行“公开日期”标注`."""
    if not published:
        return "未找到发布日期"
    label, line, source = published.get("label"), published.get("line"), published.get("source")
    where = f"第{line}行" if line else ""
    if source == "page":
        return f"页面{where}“{label or '发布日期'}”标注"
    if source == "page_meta":
        return f"网页元数据 {label or 'PubDate'}"
    if source == "signature":
        return f"文末{where}落款日期"
    if source == "override":
        return "命令行参数 --published 指定"
    if source in ("pdf_metadata", "docx_metadata"):
        kind = "PDF" if source == "pdf_metadata" else "Word"
        return f"{kind} 文件属性中的创建日期；页面未标注发布日期"
    if source == "page_written":
        return f"页面{where}“{label or '成文日期'}”；页面未标注发布日期，也无落款日期"
    if source == "page_other":
        return f"页面{where}“{label or '日期'}”一栏的日期；页面未标注公开日期或发布日期，也无落款日期"
    return PUBLISHED_SOURCE_LABELS.get(source or "", source or "未知")
