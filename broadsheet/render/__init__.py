"""Rendering: the templates, and drawing the planned pages into bytes."""
