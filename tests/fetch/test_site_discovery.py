"""Discovery on a publisher shaped like a real government site (a real server on 127.0.0.1).

The 预决算公开 column is paginated (``index_1.html``, ``list.jsp?page=3``, 下一页 links), lists
article pages rather than files, and the articles carry several attachments: a direct ``.pdf``,
a ``download.jsp?id=`` with a GBK ``Content-Disposition``, and one inside an iframe served by
``/attach/download?fileId=`` with an RFC 5987 name. robots.txt asks for a Crawl-delay and
disallows an archive; one PDF is reposted under a second URL; one is later corrected. Every test
says exactly which URLs are fetched, and that each is fetched once.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from budget_etl.errors import Reason
from budget_etl.settings import Settings
from storage.raw_store import RawStore
from tasks.fetch.fetcher import Fetcher
from tasks.fetch.intake import discover_publisher, fetch_into_store
from tasks.fetch.politeness import LocalHostThrottle
from tasks.fetch.sources import Listing, Publisher
from tests.fetch.conftest import make_pdf
from tests.fetch.site_server import Page, SiteServer, gbk_disposition, html

CRAWL_DELAY = 0.3
#: the server sees arrivals, not the client's sends: on a loaded box one arrival can lag its send by
#: tens of ms (seen: 0.264 s between two sends spaced 0.3 s). Without the delay the gaps are ~5 ms.
JITTER = 0.08
COLUMN = "/zwgk/yjsgk/"
BUDGET_PDF = make_pdf("2025 department budget")
TABLES_PDF = make_pdf("2025 department budget tables")
TARGETS_PDF = make_pdf("2025 performance targets")
ACCOUNTS_PDF = make_pdf("2024 final accounts")


def pdf(data: bytes, **headers: str) -> Page:
    return Page(data, content_type="application/octet-stream", headers=headers)


def government_site() -> dict[str, Page]:
    """The routes of one department's 预决算公开 column."""
    c = COLUMN
    return {
        "/robots.txt": Page(
            f"User-agent: *\nCrawl-delay: {CRAWL_DELAY}\nDisallow: /private/\n".encode(), "text/plain"
        ),
        f"{c}index.html": html("预决算公开", """
            <a href="/">首页</a> <a href="http://www.gov.cn/">中国政府网</a>
            <ul>
              <li><a href="./202501/t20250110_1.html">2025年部门预算公开</a></li>
              <li><a href="./202501/t20250110_2.html">2025年部门预算绩效目标公开</a></li>
              <li><a href="./202501/t20250105_3.html">关于开展春节慰问活动的通知</a></li>
            </ul>
            <div class="page"><a href="index_1.html">2</a> <a href="index_1.html">下一页</a>
              <a href="list.jsp?page=3">尾页</a></div>"""),
        f"{c}index_1.html": html("预决算公开", f"""
            <ul><li><a href="{c}202408/t20240801_4.html">2024年部门决算公开</a></li></ul>
            <a href="index.html">上一页</a> <a href="list.jsp?page=3">下一页</a>"""),
        f"{c}list.jsp?page=3": html("预决算公开", f"""
            <ul><li><a href="/private/archive_2023.html">2023年部门预算（归档）</a></li>
                <li><a href="{c}202501/t20250120_5.html">转载：2025年部门预算公开</a></li></ul>
            <a href="index_1.html">上一页</a>"""),
        f"{c}202501/t20250110_1.html": html("2025年部门预算公开", """
            <p>现将我单位2025年部门预算公开如下：</p>
            <a href="/attach/2025/bmys.pdf">2025年部门预算公开.pdf</a>
            <a href="/download.jsp?id=101">附件2：部门预算附表</a>
            <a href="javascript:window.print()">打印</a> <a href="../index.html">返回</a>"""),
        f"{c}202501/t20250110_2.html": html("2025年部门预算绩效目标公开", """
            <iframe src="/content/frame_2.html" width="100%"></iframe>"""),
        "/content/frame_2.html": html("附件", """
            <a href="/attach/download?fileId=202">附件：绩效目标表</a>"""),
        f"{c}202408/t20240801_4.html": html("2024年部门决算公开", """
            <a href="/attach/2024/bmjs.pdf">2024年部门决算</a>"""),
        f"{c}202501/t20250120_5.html": html("转载", """
            <a href="/attach/repost/2025bmys.pdf">2025年部门预算（转载）</a>"""),
        "/attach/2025/bmys.pdf": pdf(BUDGET_PDF),
        "/download.jsp?id=101": pdf(
            TABLES_PDF, **{"Content-Disposition": gbk_disposition("2025年部门预算附表.pdf")}
        ),
        "/attach/download?fileId=202": pdf(TARGETS_PDF, **{
            "Content-Disposition": "attachment; filename=\"targets.pdf\"; filename*=UTF-8''"
            + quote("2025年部门预算绩效目标表.pdf")
        }),
        "/attach/2024/bmjs.pdf": pdf(ACCOUNTS_PDF),
        "/attach/repost/2025bmys.pdf": pdf(BUDGET_PDF),  # the same bytes, reposted
        "/private/archive_2023.html": html("归档", '<a href="/attach/2023/old.pdf">2023年部门预算</a>'),
    }


ATTACHMENTS = [
    "/attach/2025/bmys.pdf", "/download.jsp?id=101", "/attach/download?fileId=202",
    "/attach/2024/bmjs.pdf", "/attach/repost/2025bmys.pdf",
]
#: pages in the order they are read: breadth first, a page's links in page order
PAGES = [
    f"{COLUMN}index.html", f"{COLUMN}202501/t20250110_1.html", f"{COLUMN}202501/t20250110_2.html",
    f"{COLUMN}index_1.html", "/content/frame_2.html", f"{COLUMN}202408/t20240801_4.html",
    f"{COLUMN}list.jsp?page=3", f"{COLUMN}202501/t20250120_5.html",
]


@pytest.fixture
def site() -> Iterator[SiteServer]:
    with SiteServer(government_site()) as running:
        yield running


@pytest.fixture
def settings(fast_settings: Settings) -> Settings:
    return fast_settings.model_copy(update={"http_timeout_s": 5.0, "max_download_bytes": 1_000_000})


def publisher_of(site: SiteServer, **listing: object) -> Publisher:
    options = {"follow": "article", **listing}
    return Publisher(
        name="dept-2025", region="某县", department="某县某局", year=2025, kind="budget_disclosure",
        listings=(Listing(url=site.url(f"{COLUMN}index.html"), **options),),
    )


def discover(site: SiteServer, settings: Settings, repository, **listing: object):
    with Fetcher(settings) as fetcher:
        return discover_publisher(publisher_of(site, **listing), fetcher=fetcher, repository=repository)


def test_the_column_is_walked_through_its_pages_and_articles_to_every_attachment(site, settings, repository):
    found = discover(site, settings, repository)

    assert [d.url for d in found.documents] == [site.url(p) for p in ATTACHMENTS]
    texts = {d.url.removeprefix(site.base_url): d.text for d in found.documents}
    assert texts["/download.jsp?id=101"] == "附件2：部门预算附表"
    assert {d.url.removeprefix(site.base_url): d.found_on.removeprefix(site.base_url)
            for d in found.documents}["/attach/download?fileId=202"] == "/content/frame_2.html"
    # the archive robots.txt disallows is reported, never requested; nothing else failed
    assert [(f.url, f.error.reason) for f in found.failures] == [
        (site.url("/private/archive_2023.html"), Reason.ROBOTS_DISALLOWED)
    ]
    requested = site.requested()
    assert requested == ["/robots.txt", *PAGES]  # each page once; no attachment downloaded yet
    assert f"{COLUMN}202501/t20250105_3.html" not in requested  # 春节慰问: not a budget article
    assert found.limits == ()


def test_requests_to_the_host_keep_the_robots_crawl_delay_apart(site, settings, repository):
    discover(site, settings, repository)

    times = site.times()[1:]  # after robots.txt itself
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert len(gaps) == len(PAGES) - 1
    assert min(gaps) >= CRAWL_DELAY - JITTER, gaps


def test_a_crawl_delay_is_capped_by_the_settings(site, settings, repository):
    discover(site, settings.model_copy(update={"discovery_max_crawl_delay_s": 0.0}), repository)

    times = site.times()
    assert times[-1] - times[0] < CRAWL_DELAY * (len(PAGES) - 1) / 2


def test_discovery_is_bounded_in_pages_per_run_and_says_what_it_left(site, settings, repository):
    found = discover(site, settings, repository, max_pages=3)

    assert site.requested() == ["/robots.txt", *PAGES[:3]]
    assert [d.url for d in found.documents] == [
        site.url("/attach/2025/bmys.pdf"), site.url("/download.jsp?id=101")
    ]
    assert [limit.split(" ", 1)[0] for limit in found.limits] == [site.url(p) for p in PAGES[3:5]]
    assert all("limit of 3 page(s)" in limit for limit in found.limits)


def test_discovery_is_bounded_in_depth(site, settings, repository):
    found = discover(site, settings.model_copy(update={"discovery_max_depth": 1}), repository)

    assert "/content/frame_2.html" not in site.requested()  # the iframe would be depth 2
    assert site.url("/attach/download?fileId=202") not in [d.url for d in found.documents]


def test_two_listings_of_one_publisher_read_a_shared_page_once(site, settings, repository):
    publisher = Publisher(
        name="dept-2025", region="某县", department="某县某局", year=2025, kind="budget_disclosure",
        listings=(
            Listing(url=site.url(f"{COLUMN}index.html"), follow="article"),
            Listing(url=site.url(f"{COLUMN}index_1.html"), follow="article"),  # a second column, overlapping
        ),
    )
    with Fetcher(settings) as fetcher:
        found = discover_publisher(publisher, fetcher=fetcher, repository=repository)

    assert [d.url for d in found.documents] == [site.url(p) for p in ATTACHMENTS]
    assert site.requested() == ["/robots.txt", *PAGES]


def test_a_refused_link_on_every_page_is_reported_once(site, settings, repository):
    footer = '<a href="/private/archive_2023.html">2023年部门预算（归档）</a>'
    for path in (f"{COLUMN}index.html", f"{COLUMN}index_1.html"):
        site.routes[path].body = site.routes[path].body.replace(b"</body>", footer.encode() + b"</body>")
    found = discover(site, settings, repository)

    assert [(f.url, f.error.reason) for f in found.failures] == [
        (site.url("/private/archive_2023.html"), Reason.ROBOTS_DISALLOWED)
    ]


def test_a_link_that_answers_with_a_document_is_one_whatever_it_looked_like(site, settings, repository):
    site.routes[f"{COLUMN}202408/t20240801_4.html"] = pdf(ACCOUNTS_PDF)  # an "article" that is the file
    found = discover(site, settings, repository)

    [document] = [d for d in found.documents if d.url == site.url(f"{COLUMN}202408/t20240801_4.html")]
    assert (document.format, document.text, document.found_on) == (
        "pdf", "2024年部门决算公开", site.url(f"{COLUMN}index_1.html")
    )


def test_a_listing_that_takes_attachments_only_reads_no_articles(site, settings, repository):
    found = discover(site, settings, repository, follow="attachments")

    assert found.documents == ()
    assert site.requested() == [
        "/robots.txt", f"{COLUMN}index.html", f"{COLUMN}index_1.html", f"{COLUMN}list.jsp?page=3"
    ]


def test_link_patterns_of_the_listing_replace_the_vocabulary(site, settings, repository):
    found = discover(site, settings, repository, link_patterns=("决算",))

    assert [d.url for d in found.documents] == [site.url("/attach/2024/bmjs.pdf")]


def test_robots_txt_can_be_switched_off_by_setting(site, settings, repository):
    found = discover(site, settings.model_copy(update={"obey_robots_txt": False}), repository)

    assert "/robots.txt" not in site.requested()
    assert site.url("/attach/2023/old.pdf") in [d.url for d in found.documents]


def test_an_unreadable_robots_txt_stops_the_site_and_says_so(site, settings, repository):
    site.routes["/robots.txt"] = Page(b"oops", status=503)
    found = discover(site, settings.model_copy(update={"http_retries": 0}), repository)

    assert found.documents == ()
    assert [(f.url, f.error.reason) for f in found.failures] == [
        (site.url(f"{COLUMN}index.html"), Reason.ROBOTS_DISALLOWED)
    ]
    assert site.requested() == ["/robots.txt"]


def fetch_all(site, settings, repository, raw_store, documents):
    with Fetcher(settings) as fetcher:
        return [
            fetch_into_store(d.url, fetcher=fetcher, repository=repository, raw_store=raw_store)
            for d in documents
        ]


def test_each_attachment_is_fetched_once_and_a_repost_is_one_file_with_two_urls(
    site, settings, repository, tmp_path
):
    found = discover(site, settings, repository)
    raw_store = RawStore(str(tmp_path / "raw"))
    fetched = fetch_all(site, settings, repository, raw_store, found.documents)

    downloads = [p for p in site.requested() if p not in ("/robots.txt", *PAGES)]
    assert downloads == ATTACHMENTS  # each exactly once
    assert [f.outcome for f in fetched] == ["new", "new", "new", "new", "new"]
    assert fetched[0].sha256 == fetched[4].sha256  # the repost: same bytes
    assert len({f.sha256 for f in fetched}) == 4

    lineage = repository.file_lineage(fetched[0].sha256)
    assert [(row["url"], row["link_text"]) for row in lineage] == [
        (site.url("/attach/2025/bmys.pdf"), "2025年部门预算公开.pdf"),
        (site.url("/attach/repost/2025bmys.pdf"), "2025年部门预算（转载）"),
    ]
    assert lineage[1]["found_on"] == site.url(f"{COLUMN}202501/t20250120_5.html")


def test_attachment_fetches_after_discovery_keep_the_crawl_delay_too(site, settings, repository, tmp_path):
    fast = settings.model_copy(update={"per_host_requests_per_s": 50.0})  # the setting alone: 20 ms apart
    found = discover(site, fast, repository)
    throttle = LocalHostThrottle(fast)
    with Fetcher(fast) as fetcher:
        for document in found.documents:
            fetch_into_store(document.url, fetcher=fetcher, repository=repository,
                             raw_store=RawStore(str(tmp_path / "raw")), throttle=throttle)

    times = [at for path, at in site.log if path in ATTACHMENTS]
    assert len(times) == len(ATTACHMENTS)
    assert min(later - earlier for earlier, later in itertools.pairwise(times)) >= CRAWL_DELAY - JITTER


@pytest.mark.parametrize(
    ("index", "file_name", "kind", "year"),
    [
        (1, "2025年部门预算附表.pdf", "budget_disclosure", 2025),  # GBK bytes in filename="…"
        (2, "2025年部门预算绩效目标表.pdf", "performance_targets", 2025),  # RFC 5987 filename*=
        (3, "bmjs.pdf", "final_accounts", 2024),  # the URL's name; kind and year from the link text
    ],
)
def test_the_file_name_and_link_text_are_recorded_with_kind_and_year_guesses(
    site, settings, repository, tmp_path, index, file_name, kind, year
):
    found = discover(site, settings, repository)
    fetched = fetch_all(site, settings, repository, RawStore(str(tmp_path / "raw")), found.documents)

    [row] = repository.file_lineage(fetched[index].sha256)
    assert (row["file_name"], row["guessed_kind"], row["guessed_year"]) == (file_name, kind, year)


def test_a_corrected_reupload_under_the_same_url_is_a_new_file_of_that_url(
    site, settings, repository, tmp_path
):
    raw_store = RawStore(str(tmp_path / "raw"))
    found = discover(site, settings, repository)
    first = fetch_all(site, settings, repository, raw_store, found.documents[:1])[0]

    site.routes["/attach/2025/bmys.pdf"] = pdf(make_pdf("2025 department budget (corrected)"))
    found = discover(site, settings, repository)
    again = fetch_all(site, settings, repository, raw_store, found.documents[:1])[0]

    assert again.outcome == "new" and again.sha256 != first.sha256
    url = site.url("/attach/2025/bmys.pdf")
    assert repository.files_under_url(url) == [first.sha256, again.sha256]
    assert site.requested().count("/attach/2025/bmys.pdf") == 2  # once per run
