"""The pieces of site discovery on their own: sources options, file names, robots.txt, link decisions."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.fetch.attachment import disposition_filename, file_name, guess
from tasks.fetch.crawl import classify
from tasks.fetch.discover import PageLink, page_links
from tasks.fetch.robots import crawl_delay_of
from tasks.fetch.sources import Listing, SourcesFileError, load_sources, parse_sources

ROOT = Path(__file__).resolve().parents[2]
BASE = "publishers:\n  - {{name: p, region: r, department: d, year: 2025, kind: budget_disclosure, {extra}}}"


def publisher(extra: str):
    return parse_sources(BASE.format(extra=extra)).publishers[0]


# ---- sources ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((ROOT / "deployments").glob("sources*.yaml")), ids=lambda p: p.name)
def test_the_shipped_sources_files_stay_valid(path):
    assert load_sources(path).publishers


def test_a_bare_listing_url_is_a_listing_with_the_defaults():
    listing = publisher("listings: [http://h/col/]").listings[0]

    assert listing == Listing(url="http://h/col/")
    options = (listing.follow, listing.pagination, listing.render, listing.max_pages)
    assert options == ("attachments", True, "http", None)


def test_a_listing_mapping_says_how_to_walk_the_column():
    found = publisher(
        "allowed_hosts: ['files.h', '*.cdn.h', 'h:8080'], listings: [{url: 'http://h/col/', follow: article, "
        "max_pages: 5, pagination: false, render: browser, link_patterns: ['部门预算']}]"
    )

    [listing] = found.listings
    options = (listing.follow, listing.max_pages, listing.pagination, listing.render)
    assert options == ("article", 5, False, "browser")
    assert found.listing_urls == ("http://h/col/",)
    assert found.allowed_hosts == ("files.h", "*.cdn.h", "h:8080")


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ("listings: [{url: 'http://h/', follow: everything}]", "follow"),
        ("listings: [{url: 'http://h/', link_patterns: ['(']}]", "not a regular expression"),
        ("listings: [{url: 'ftp://h/'}]", r"not an http\(s\) URL"),
        ("listings: [{url: 'http://h/', max_page: 3}]", "max_page"),
        ("listings: [http://h/], allowed_hosts: ['http://other/']", "not a host entry"),
    ],
)
def test_a_wrong_listing_option_stops_the_run_with_what_is_wrong(extra, says):
    with pytest.raises(SourcesFileError, match=says):
        publisher(extra)


# ---- file names and guesses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("attachment; filename*=UTF-8''" + quote("2025年部门预算.pdf"), "2025年部门预算.pdf"),
        ('attachment; filename="x.pdf"; filename*=utf-8\'zh\'' + quote("绩效目标.pdf"), "绩效目标.pdf"),
        ('attachment; filename="' + "附表.xls".encode("gbk").decode("latin-1") + '"', "附表.xls"),
        ('attachment; filename="' + "附表.xls".encode().decode("latin-1") + '"', "附表.xls"),
        ("attachment; filename=" + quote("决算.pdf"), "决算.pdf"),
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ('attachment; filename="C:\\\\temp\\\\a.pdf"', "a.pdf"),
        ("inline", None),
        (None, None),
    ],
)
def test_content_disposition_names_are_decoded_whatever_the_encoding(header, name):
    assert disposition_filename(header) == name


cjk = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=20)


@given(stem=cjk)
def test_any_chinese_name_survives_rfc5987_and_gbk(stem):
    name = f"{stem}.pdf"
    assert disposition_filename("attachment; filename*=UTF-8''" + quote(name)) == name
    assert disposition_filename('attachment; filename="' + name.encode("gbk").decode("latin-1") + '"') == name


def test_the_url_names_the_file_when_the_header_does_not():
    assert file_name("http://h/attach/2025%E5%B9%B4.pdf?x=1", None) == "2025年.pdf"
    assert file_name("http://h/download.jsp?id=3", None) is None


@pytest.mark.parametrize(
    ("texts", "kind", "year"),
    [
        (("附件1", "2025年度部门预算绩效目标表.pdf"), "performance_targets", 2025),
        (("2024年部门决算公开",), "final_accounts", 2024),
        (("部门预算", "bmys_2023.pdf"), "budget_disclosure", 2023),
        (("通知", "20251104.pdf"), None, None),  # a date-stamped name is not a year
    ],
)
def test_kind_and_year_are_guessed_from_link_text_and_file_name(texts, kind, year):
    guessed = guess(*texts)
    assert (guessed.kind, guessed.year) == (kind, year)


# ---- robots.txt -----------------------------------------------------------------------------------


def test_the_crawl_delay_of_our_own_group_wins_over_the_wildcard():
    text = (
        "User-agent: *\nCrawl-delay: 10\n\nUser-agent: Baiduspider\nUser-agent: budget-etl\nCrawl-delay: .5\n"
    )
    assert crawl_delay_of(text, "budget-etl/0.1 (+https://x)") == 0.5
    assert crawl_delay_of(text, "other/1.0") == 10.0
    assert crawl_delay_of("User-agent: *\nDisallow: /x\n", "budget-etl/0.1") is None


# ---- link decisions -------------------------------------------------------------------------------


LISTING = Listing(url="http://h/zwgk/yjsgk/index.html", follow="article")


def decide(url: str, text: str = "", tag: str = "a", role: str = "listing", listing: Listing = LISTING):
    return classify(PageLink(url, text, tag), role=role, depth=0, listing=listing, max_depth=3)[0]


@pytest.mark.parametrize(
    ("url", "text", "action"),
    [
        ("http://h/zwgk/yjsgk/index_2.html", "3", "page"),
        ("http://h/zwgk/yjsgk/list.jsp?pageNo=2", "下一页", "page"),
        ("http://h/zwgk/yjsgk/list_3.shtml", "[3]", "page"),
        ("http://h/zwgk/yjsgk/index.html?pageNum=4", "第4页", "page"),
        ("http://h/zwgk/yjsgk/index.html?uid=1&pageNum=2", "下一页 >>", "page"),
        ("http://h/zwgk/yjsgk/index_5.html", "【后页】", "page"),
        ("http://h/zwgk/other/index_2.html", "2", "left"),  # another column's pages
        ("http://h/zwgk/yjsgk/index_2.html", "尾页", "left"),
        ("http://h/zwgk/yjsgk/t1.html", "2025年部门预算公开", "article"),
        ("http://h/zwgk/yjsgk/t2.html", "关于召开会议的通知", "left"),
        ("http://h/module/download/downfile.jsp?classid=0&filename=abc", "附件", "attachment"),
        ("http://h/up/a.PDF", "附件", "attachment"),
        ("http://h/show?id=1", "2025年部门预算.docx", "attachment"),
        ("mailto:x@h", "信箱", "left"),
    ],
)
def test_each_link_is_decided_by_what_it_means(url, text, action):
    assert decide(url, text) == action


def test_an_article_takes_only_attachments_and_frames():
    assert decide("http://h/zwgk/yjsgk/t3.html", "2025年部门预算公开", role="article") == "left"
    assert decide("http://h/frame.html", tag="iframe", role="article") == "frame"
    assert decide("http://h/a.pdf", "附件", role="article") == "attachment"


def test_page_links_reads_anchors_and_frames_once_each():
    html = '<a href="a.html">A</a><a href="a.html#x">B</a><iframe src="f.html"></iframe><a href="#t">t</a>'
    assert [(link.url, link.tag) for link in page_links(html, "http://h/dir/p.html")] == [
        ("http://h/dir/a.html", "a"), ("http://h/dir/f.html", "iframe")
    ]
