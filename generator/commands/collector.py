"""The garbage-collector tuning for one big build run from the command line.

Reading content/ makes objects that live as long as the build and hold no
cycles worth collecting: left on, the collector would scan them again and
again (on a 100,000-post archive, minutes). So it is paused while content is
read, the model is frozen out of its sight once loaded, and it runs again
while pages render (Jinja's contexts make cycles). The collector is
process-wide, so only the `build` command uses this: `serve` builds on a
thread beside the HTTP server's, and a library caller keeps its own policy.
"""

from __future__ import annotations

import gc


class BatchCollector:
    """A `Collector` (commands/build.py) for a process that runs one build."""

    def __init__(self) -> None:
        self._was_enabled = gc.isenabled()

    def loading(self) -> None:
        gc.disable()

    def loaded(self) -> None:
        gc.freeze()

    def rendering(self) -> None:
        gc.enable()

    def finished(self) -> None:
        gc.unfreeze()
        if self._was_enabled:
            gc.enable()
