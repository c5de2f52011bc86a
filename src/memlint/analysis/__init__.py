"""Semantic helpers shared by rules: name resolution, known sizes, side effects."""
