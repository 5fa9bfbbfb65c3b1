"""``python -m bench``: run the benchmark (see ``bench.benchmark``)."""

from bench.benchmark import main

main()
