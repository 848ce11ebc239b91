"""Benchmarks of youchuan_nb against its simulator.

Run: ``python -m bench [--quick] [names]``.
"""
