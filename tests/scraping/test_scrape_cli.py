"""``budget scrape`` through click's runner, with BUDGET_RAW_DIR / BUDGET_WAREHOUSE set."""

from __future__ import annotations

import hashlib
import json

import duckdb
from click.testing import CliRunner

from bench.portals.portal_server import Portal, Response, tiny_pdf
from orchestration.scraping.registry import Limits
from orchestration.scraping.scrape_command import adhoc_source, scrape


def _env(raw_dir, warehouse) -> dict:
    return {"BUDGET_RAW_DIR": str(raw_dir), "BUDGET_WAREHOUSE": str(warehouse)}


def test_registry_source_by_name(site, registry_file, raw_dir, warehouse):
    result = CliRunner().invoke(
        scrape, ["--registry", str(registry_file), "--source", "test_district"], env=_env(raw_dir, warehouse)
    )
    assert result.exit_code == 0, result.output
    assert (
        "test_district: ok; 3 listing pages, 7 budget posts, 19 files found, 9 fetched, 1 skipped, 9 rejected"
        in (result.output)
    )
    assert "fetched=9" in result.stderr  # the tqdm bar's last state
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "select count(*) from raw_scrape_manifest where outcome = 'stored'"
        ).fetchone() == (9,)


def test_unknown_source_is_a_usage_error(registry_file, raw_dir, warehouse):
    result = CliRunner().invoke(
        scrape, ["--registry", str(registry_file), "--source", "nowhere"], env=_env(raw_dir, warehouse)
    )
    assert result.exit_code == 2
    assert "unknown source(s) ['nowhere']" in result.output


def test_adhoc_portal_with_generated_query_pages(raw_dir, warehouse):
    with Portal() as portal:
        pdfs = {n: tiny_pdf(f"bm {n}") for n in (1, 2)}
        for n in (1, 2):
            nxt = '<a href="list?page=2">下一页</a>' if n == 1 else ""
            portal.page(
                f"/bm/list?page={n}",
                f'<html><body><a href="/bm/post{n}.html">某局202{n}年部门预算</a>'
                f'<a href="/bm/js{n}.html">某局202{n}年部门决算</a>{nxt}</body></html>',
            )
            portal.page(f"/bm/post{n}.html", f'<html><body><a href="/f/{n}.pdf">附件</a></body></html>')
            portal.file(f"/f/{n}.pdf", pdfs[n], "application/pdf")
        portal.routes["/robots.txt"] = lambda _h: Response(404, b"")
        args = [
            "--start-url",
            portal.url("/bm/list?page=1"),
            "--allow",
            r"/bm/post\d+\.html$",
            "--page-template",
            "?page={n}",  # the start URL is ?page=1 itself: generation goes on from ?page=2
            "--attachment",
            r"/f/\d+\.pdf$",
            "--delay",
            "0",
        ]
        result = CliRunner().invoke(scrape, args, env=_env(raw_dir, warehouse))
        again = CliRunner().invoke(scrape, [*args, "--json", "--no-warehouse"], env=_env(raw_dir, warehouse))
    assert result.exit_code == 0, result.output
    assert "adhoc: ok; 2 listing pages, 2 budget posts, 2 files found, 2 fetched" in result.output
    assert again.exit_code == 0, again.output
    (summary,) = json.loads(again.stdout)
    assert (summary["source"], summary["files_fetched"], summary["files_skipped"]) == ("adhoc", 0, 2)
    assert portal.hits["/bm/js1.html"] == 0
    assert portal.hits["/bm/list?page=3"] == 2  # the end of the listing, once per run
    assert sorted(p.name for p in (raw_dir / "scraped").glob("*.pdf")) == sorted(
        f"{hashlib.sha256(b).hexdigest()}.pdf" for b in pdfs.values()
    )


def test_a_source_that_fails_entirely_exits_1(raw_dir, warehouse):
    with Portal() as portal:
        args = [
            "--start-url",
            portal.url("/gone/index.html"),
            "--allow",
            "x",
            "--retries",
            "0",
            "--delay",
            "0",
        ]
        result = CliRunner().invoke(scrape, args, env=_env(raw_dir, warehouse))
    assert result.exit_code == 1
    assert "adhoc: FAILED (no listing page could be read)" in result.output


def test_adhoc_without_allow_reads_budget_titled_links_on_the_start_host(raw_dir, warehouse):
    # no --allow: every link on the start URL's host whose title is a budget's is a post
    with Portal() as portal:
        portal.routes["/robots.txt"] = lambda _h: Response(404, b"")
        portal.page(
            "/ys/index.html",
            '<html><body><a href="/">首页</a><a href="/ys/a.html">某局2024年部门预算</a>'
            '<a href="/ys/b.html">某局2023年部门决算</a><a href="/about.html">关于本站的说明文字</a></body></html>',
        )
        portal.page("/ys/a.html", '<html><body><a href="/f/a.pdf">附件</a></body></html>')
        portal.file("/f/a.pdf", tiny_pdf("a"), "application/pdf")
        args = ["--start-url", portal.url("/ys/index.html"), "--delay", "0", "--json", "--no-warehouse"]
        result = CliRunner().invoke(scrape, args, env=_env(raw_dir, warehouse))
    assert result.exit_code == 0, result.output
    (summary,) = json.loads(result.stdout)
    assert (summary["posts_seen"], summary["posts_matched"], summary["files_fetched"]) == (3, 1, 1)
    assert summary["posts_skipped"] == {"excluded: 决算": 1, "not a budget title": 1}
    assert (portal.hits["/ys/b.html"], portal.hits["/about.html"], portal.hits["/"]) == (0, 0, 0)


def test_check_a_registry_source_by_name_downloads_nothing(site, registry_file, raw_dir, warehouse):
    args = ["--registry", str(registry_file), "--check", "test_district", "--json"]
    result = CliRunner().invoke(scrape, args, env=_env(raw_dir, warehouse))
    assert result.exit_code == 0, result.output
    (check,) = json.loads(result.stdout)
    assert [page["found_by"] for page in check["listing_pages"]] == [
        "start URL",
        "pager link '下一页'",
        "pager link '尾页'",
    ]
    assert (check["posts_seen"], check["budget_posts"]) == (10, 7)
    assert check["posts_skipped"] == {"excluded: 决算": 2, "excluded: 通知": 1}
    assert len(check["attachments"]) == 19
    assert check["problems"] == [
        "detail page " + site.portal.url("/zwgk/yjsgk/20240225/gone.html") + ": http_404"
    ]
    # the pages were read, no file was asked for, nothing was written
    assert all(not path.startswith(("/upload/", "/private/")) for path in site.portal.hits)
    assert not (raw_dir / "scraped").exists() and not warehouse.exists()


def test_adhoc_hosts_are_the_start_hosts_and_those_named():
    options = {"name": "adhoc", "allow": None, "attachment": None, "listing": None, "page_template": None}
    options |= {"title_include": (), "title_exclude": ()}
    plain = adhoc_source(("http://WWW.a.gov.cn/ys/index.html",), Limits(), hosts=(), **options)
    more = adhoc_source(("http://www.a.gov.cn/ys/index.html",), Limits(), hosts=("FJ.a.gov.cn",), **options)
    assert (plain.allowed_hosts, more.allowed_hosts) == (("www.a.gov.cn",), ("fj.a.gov.cn", "www.a.gov.cn"))
