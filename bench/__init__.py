"""Benchmarks: speed measured against a bare ceiling in the same run."""
