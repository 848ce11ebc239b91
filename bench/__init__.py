"""Benchmarks of youchuan_nb against its simulator (issue 6). Run: ``python -m bench [--quick] [names]``."""
