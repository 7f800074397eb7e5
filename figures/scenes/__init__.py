"""Manim scenes, one per file, named by figure id (see ARCHITECTURE.md)."""
