"""Wavelength benchmarks: ``python -m bench`` (``make bench``), scale from ``BENCH_SCALE``.

See docs/benchmarks.md for what is measured and how to read the figures.
"""
