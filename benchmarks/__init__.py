"""COSY's benchmarks: pytest-benchmark suites (``make bench``) and the report they write."""
