"""Synthetic data at a chosen size for benchmarks: a unit tree, officials, a catalogue, and
learning history written in bulk (COPY on PostgreSQL)."""
