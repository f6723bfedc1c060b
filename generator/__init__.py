"""liveblog: a static site generator for archived news live blogs."""

__version__ = "0.1.0"

# Where liveblog's source lives: a new site's requirements.txt installs it from
# here, pinned to the tag v{__version__} (commands/init.py), as no package index has it.
SOURCE_REPOSITORY = "https://github.com/liveblog-archive/liveblog"
