"""Ad-hoc crawls of three CMS families as Shanghai's portals are built: TRS WCM, Hanweb JCMS, a JSON API.

Each portal runs on 127.0.0.1 with one attachment whose server stalls 10 s before its first
byte; the crawl uses a 3 s deadline per URL. A crawl must land every budget file exactly once
(a re-posted PDF once), keep the post whose tables are inline as HTML, read every listing
page once, never request a 决算 post or a notice, and finish well before the stall would.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from bench.portals.cms_site import CMS_TEST_LIMITS, DEFAULT_STALL_SECONDS, CmsSite
from bench.portals.hanweb_portal import build_hanweb_portal
from bench.portals.json_portal import build_json_portal
from bench.portals.portal_server import Portal
from bench.portals.trs_portal import build_trs_portal
from orchestration.scraping import Limits, Source, check_source
from orchestration.scraping.attachments import html_document
from orchestration.scraping.scrape_command import scrape

BUILDERS = {"trs": build_trs_portal, "hanweb": build_hanweb_portal, "json": build_json_portal}
LIMIT_FLAGS = {
    "delay_seconds": "--delay",
    "concurrency": "--concurrency",
    "connect_timeout_seconds": "--connect-timeout",
    "read_timeout_seconds": "--read-timeout",
    "deadline_seconds": "--deadline",
    "retries": "--retries",
    "backoff_seconds": "--backoff",
}
STORED_EXTENSION = {".pdf": "pdf", ".xls": "xls", ".docx": "docx"}
# what each family's pagination must be found by
LISTING_RULES = {
    "trs": ["start URL", "createPageHTML script (3 pages)", "createPageHTML script (3 pages)"],
    "hanweb": ["start URL", "pager link '2'", "pager link '3'"],
    "json": ["start URL", "JSON API in the page's script", "JSON next page", "JSON next page"],
}


@pytest.fixture(params=sorted(BUILDERS))
def cms_site(request):
    with Portal() as portal:
        yield BUILDERS[request.param](portal, stall_seconds=DEFAULT_STALL_SECONDS)


def _sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _stored_name(site: CmsSite, path: str, body: bytes) -> str:
    if site.family == "hanweb":  # downfile.jsp?fileid=N: the extension comes from Content-Disposition
        return f"{_sha(body)}.{'xlsx' if body.startswith(b'PK') else 'pdf'}"
    return f"{_sha(body)}.{STORED_EXTENSION[Path(urlsplit(path).path).suffix]}"


def _crawl(site: CmsSite, raw_dir: Path) -> tuple[dict, list[dict]]:
    flags = [arg for name, flag in LIMIT_FLAGS.items() for arg in (flag, str(CMS_TEST_LIMITS[name]))]
    args = ["--start-url", site.start_url, "--allow", site.allow, *flags, "--json", "--no-warehouse"]
    result = CliRunner().invoke(scrape, args, env={"BUDGET_RAW_DIR": str(raw_dir)})
    assert result.exit_code == 0, result.output
    (summary,) = json.loads(result.stdout)
    lines = (raw_dir / "scraped" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return summary, [json.loads(line) for line in lines]


def test_adhoc_crawl_lands_every_budget_file_once_despite_a_stall(cms_site: CmsSite, raw_dir):
    site = cms_site
    summary, rows = _crawl(site, raw_dir)

    # exactly the budget files and the page kept whole, each once, byte for byte
    expected = {_stored_name(site, path, body): body for path, body in site.files.items()}
    expected |= {
        f"{_sha(html_document(body, None))}.html": html_document(body, None)
        for body in site.pages_kept.values()
    }
    assert sorted(p.name for p in (raw_dir / "scraped").iterdir()) == sorted([*expected, "manifest.jsonl"])
    for name, body in expected.items():
        assert (raw_dir / "scraped" / name).read_bytes() == body
    attachments = {}
    for row in rows:
        assert row["kind"] == "attachment", row  # no listing or post failed
        attachments.setdefault(_path(row["attachment_url"]), []).append(row)
    assert set(attachments) == set(site.files) | set(site.pages_kept) | set(site.duplicates) | {site.stalled}
    assert all(len(found) == 1 for found in attachments.values())
    for path in [*site.files, *site.pages_kept]:
        assert attachments[path][0]["outcome"] in ("stored", "duplicate")
    for again, first in site.duplicates.items():  # re-posted: a second URL, the same sha, no second file
        pair = [attachments[again][0], attachments[first][0]]
        assert sorted(r["outcome"] for r in pair) == ["duplicate", "stored"]
        assert pair[0]["sha256"] == pair[1]["sha256"] == _sha(site.files[first])

    # the stall: given up at the deadline, after the retries the deadline allowed
    (stalled,) = attachments[site.stalled]
    assert (stalled["outcome"], stalled["reason"].split(":")[0]) == ("rejected", "timeout")
    assert site.portal.hits[site.stalled] == 2  # a server that stalled twice is not asked again
    assert summary["elapsed_seconds"] < CMS_TEST_LIMITS["deadline_seconds"] + 2.0 < DEFAULT_STALL_SECONDS

    # every listing page read once; 决算, notices, drafts for comment and explanations never requested
    assert summary["listing_pages"] == len(site.listing_paths)
    assert {path: site.portal.hits[path] for path in site.listing_paths} == dict.fromkeys(
        site.listing_paths, 1
    )
    assert {path: site.portal.hits[path] for path in site.not_budget_paths} == dict.fromkeys(
        site.not_budget_paths, 0
    )
    assert summary["posts_skipped"] == site.posts_skipped
    assert summary["posts_seen"] == site.posts_seen
    assert (summary["files_fetched"], summary["files_skipped"], summary["files_rejected"]) == (
        len(expected),
        len(site.duplicates),
        1,
    )
    assert summary["rejections"] == {"timeout": 1} and summary["failure"] is None


def test_check_finds_the_same_pages_posts_and_files_without_downloading_one(cms_site: CmsSite):
    site = cms_site
    limits = Limits(**CMS_TEST_LIMITS)
    report = check_source(
        Source(name="adhoc", start_urls=(site.start_url,), detail_pattern=site.allow, limits=limits)
    )

    assert [page.found_by for page in report.pages] == LISTING_RULES[site.family]
    assert [_path(page.url) for page in report.pages] == site.listing_paths
    would_fetch = {_path(a.url) for a in report.attachments}
    assert would_fetch == set(site.files) | set(site.pages_kept) | set(site.duplicates) | {site.stalled}
    kept = [a for a in report.attachments if a.found_by == "budget tables in the page"]
    assert [_path(a.url) for a in kept] == list(site.pages_kept)
    # nothing downloaded: no file route was asked for, the stalling one included
    assert all(site.portal.hits[path] == 0 for path in would_fetch - set(site.pages_kept))
    assert dict(report.summary()["posts_skipped"]) == site.posts_skipped
    assert report.problems == [] and report.failure is None


def test_check_prints_each_stage_with_the_rule_that_matched(raw_dir):
    with Portal() as portal:
        site = build_trs_portal(portal)
        flags = ["--delay", "0", "--read-timeout", "1", "--deadline", "3"]
        result = CliRunner().invoke(
            scrape,
            ["--check", "--start-url", site.start_url, "--allow", site.allow, *flags],
            env={"BUDGET_RAW_DIR": str(raw_dir)},
        )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "listing pages followed: 3 (createPageHTML script 2, start URL 1)" in out
    assert "posts seen: 13, budget: 8 (--allow / detail_pattern 8); skipped: excluded: 决算 2," in out
    assert (
        "attachments a crawl would fetch: 10 (file extension in URL 9, budget tables in the page 1); none downloaded"
        in out
    )
    # the title cut short in the listing was settled on its page
    assert "budget  上海市某区教育局2024年部门预算  " in out
    assert not (raw_dir / "scraped").exists()  # a check writes nothing
