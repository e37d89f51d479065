"""Chinese labels for the codes used in the data model and the check result (one place for all outputs)."""

from __future__ import annotations

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
KIND_LABELS = {
    "annual_report": "政府信息公开工作年度报告",
    "legacy_annual_report": "旧版（2019 年以前格式）政府信息公开工作年度报告",
    "not_annual_report": "不是政府信息公开工作年度报告",
}
ISSUER_KIND_LABELS = {"government": "政府", "department": "部门", "unknown": "未知"}
TEMPLATE_LABELS = {
    "2019": "2019 年版（国办公开办函〔2019〕60号）",
    "2021": "2021 年版（国办公开办函〔2021〕30号）",
    "mixed": "新旧格式混用",
}
PUBLISHED_SOURCE_LABELS = {
    "page": "网页标注",
    "pdf_metadata": "PDF 文件属性",
    "docx_metadata": "Word 文件属性",
    "signature": "落款日期",
    "data": "数据文件",
}
TABLE_SHORT_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}
