"""Discovery reads real-world listing pages: relative links, <base>, Chinese names, duplicates."""

from __future__ import annotations

from tasks.fetch.discover import DiscoveredLink, classify_link, discover_links

LISTING = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>部门预算公开</title></head>
<body><ul>
 <li><a href="files/2025预算公开.pdf">2025年部门预算信息公开</a></li>
 <li><a href='/attach/绩效文本.PDF#page=2'>绩效文本</a>
 <li><a href="files/2025预算公开.pdf">(same file, linked twice)</a></li>
 <li><a href="https://other.example/x/表格.xlsx">附表</a></li>
 <li><a href="../old/说明.docx">说明</a></li>
 <li><a href="legacy.doc">旧版</a><a href="sheet.xls">旧表</a></li>
 <li><a href="news.html">新闻</a> <a href="javascript:void(0)">打印</a> <a href="mailto:x@y">邮件</a>
 <li><a>no href</a>
</ul></body></html>"""


def test_finds_document_attachments_resolved_against_the_page_url():
    links = discover_links(LISTING, "http://127.0.0.1:8000/dept/2025/index.html")

    assert [(link.url, link.format) for link in links] == [
        ("http://127.0.0.1:8000/dept/2025/files/2025预算公开.pdf", "pdf"),
        ("http://127.0.0.1:8000/attach/绩效文本.PDF", "pdf"),
        ("https://other.example/x/表格.xlsx", "xlsx"),
        ("http://127.0.0.1:8000/dept/old/说明.docx", "docx"),
        ("http://127.0.0.1:8000/dept/2025/legacy.doc", "doc"),
        ("http://127.0.0.1:8000/dept/2025/sheet.xls", "xls"),
    ]
    assert links[0].text == "2025年部门预算信息公开"
    assert all(link.supported for link in links)  # every format has a reader (issue 16)


def test_a_link_of_unknown_format_is_not_claimed_readable():
    assert not DiscoveredLink("http://h/download?id=1", "unknown", "附件").supported


def test_base_href_changes_where_relative_links_point():
    html = '<head><base href="http://cdn.example/files/"></head><a href="a.pdf">a</a>'

    assert [link.url for link in discover_links(html, "http://site.example/page")] == [
        "http://cdn.example/files/a.pdf"
    ]


def test_percent_encoded_extensions_and_queries_are_classified_by_path():
    assert classify_link("http://h/download?id=3") is None
    assert classify_link("http://h/a%2Epdf?dl=1") == "pdf"
    assert classify_link("http://h/report.pdf.html") is None


def test_broken_markup_still_yields_links():
    html = '<div><a href="x.pdf">unclosed <b>bold<a href="y.pdf">y</a></div'

    assert [link.url.rsplit("/", 1)[1] for link in discover_links(html, "http://h/")] == ["x.pdf", "y.pdf"]
