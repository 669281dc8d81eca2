"""Benchmarks of statusgen (run ``python -m bench.run``)."""
