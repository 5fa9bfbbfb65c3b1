"""Test portals on 127.0.0.1: a small HTTP server and the CMS families it imitates.

Shared by the scraper's benchmark (``bench/scrape_bench.py``) and its tests (``tests/scraping``),
which import them from here: tests depend on bench, never the other way round.
"""
