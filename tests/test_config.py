"""site.toml: validated whole, every problem named by key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.core.config import load_config
from generator.core.errors import SiteError


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_defaults_fill_missing_keys(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'title = "X"\n'))
    assert config.title == "X"
    assert config.post_order == "newest-first"
    assert config.feed_items == 50
    assert config.base_path == "/"


def test_base_url_path_is_kept_and_gets_a_trailing_slash(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'base_url = "https://e.org/liveblog-archive"\n'))
    assert config.base_url == "https://e.org/liveblog-archive/"
    assert config.base_path == "/liveblog-archive/"


def test_cli_override_wins(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'base_url = "https://e.org/"\n'),
                         base_url="http://127.0.0.1:9/sub/")
    assert config.base_path == "/sub/"


def test_unknown_key_is_named_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(SiteError) as info:
        load_config(write(tmp_path, 'title = "X"\ntitel = "Y"\n'))
    assert str(info.value).startswith(f"{tmp_path / 'site.toml'}:2: 'titel': unknown key")
    assert "did you mean 'title'" in str(info.value)


def test_wrong_type_is_named(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match=r":1: 'feed_items': must be an integer, not a string"):
        load_config(write(tmp_path, 'feed_items = "50"\n'))


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(SiteError) as info:
        load_config(write(tmp_path, 'post_order = "random"\ntimezone = "Mars/Olympus"\n'))
    message = str(info.value)
    assert "'post_order'" in message and "'timezone'" in message


def test_bad_zone_in_zones_table(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match=r":3: 'XT': unknown IANA time zone"):
        load_config(write(tmp_path, 'title = "X"\n[zones]\nXT = "Nowhere/Land"\n'))


def test_topic_rule_must_be_a_list_of_phrases(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match=r":2: 'NATO': topic rule must be a non-empty list"):
        load_config(write(tmp_path, '[topics]\n"NATO" = "NATO"\n'))


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match=r"site.toml:2: invalid TOML"):
        load_config(write(tmp_path, 'title = "X"\nbase_url = \n'))


def test_missing_site_toml(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match="no site.toml here"):
        load_config(tmp_path)


def test_the_project_site_toml_is_valid() -> None:
    config = load_config(Path(__file__).resolve().parent.parent)
    assert dict(config.zones)["ET"] == "America/New_York"
    assert {"NATO", "Bakhmut", "Zelensky", "Turkey", "Cluster munitions",
            "Civilian casualties"} <= set(config.rules_map())
