"""Figures: the registry, their cache keys, the content-addressed cache, the render pool, and the renderers
(charts, tables, scenes) that run in worker processes."""
