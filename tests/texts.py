"""What a reader sees of rendered Markdown: its text, entities decoded, tags dropped."""

from __future__ import annotations

from html.parser import HTMLParser

from generator.render.markdown import to_html


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def rendered_text(md: str) -> str:
    parser = _Text()
    parser.feed(to_html(md))
    parser.close()
    return "".join(parser.parts)
