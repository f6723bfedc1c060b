"""Commands: one module per command (import, build, serve, check, verify, coverage, bag, init). May import everything but cli."""
