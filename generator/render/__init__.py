"""Render: page specs → bytes, through Jinja and Markdown (their only users), the card store and the worker pool. May import core, site."""
