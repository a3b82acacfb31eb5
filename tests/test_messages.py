"""Every message exists in both languages with the same placeholders (issue 12: Vietnamese first,
English complete)."""

import importlib
import pkgutil
import string

import pytest

import cchc_xlsx

# every module of the package, so that each table it registers is checked (a new module too)
for _module in pkgutil.walk_packages(cchc_xlsx.__path__, "cchc_xlsx."):
    if ".migrations" not in _module.name:           # Alembic's scripts run only under Alembic
        importlib.import_module(_module.name)
from cchc_xlsx.findings import CODES
from cchc_xlsx.messages import CATALOGUE, language, register, text


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _tables():
    for key, (vi, en) in CATALOGUE.items():
        yield f"messages:{key}", vi, en
    for code, entry in CODES.items():
        yield f"findings:{code}", entry[1], entry[2]


@pytest.mark.parametrize("key,vi,en", list(_tables()), ids=lambda v: v if isinstance(v, str) and ":" in v else "")
def test_both_languages_with_the_same_placeholders(key, vi, en):
    assert vi.strip() and en.strip(), f"{key} lacks a language"
    assert _fields(vi) == _fields(en), f"{key}: placeholders differ between vi and en"


def test_a_key_cannot_be_registered_twice_with_other_text():
    register({"test.same": ("một", "one")})
    register({"test.same": ("một", "one")})
    with pytest.raises(ValueError):
        register({"test.same": ("hai", "two")})
    assert text("test.same", "en") == "one" and text("test.same") == "một"


@pytest.mark.parametrize("argv,environ,expected", [
    ([], {}, "vi"),
    (["--lang", "en"], {}, "en"),
    (["check", "--lang=en"], {"LANG": "vi_VN.UTF-8"}, "en"),
    ([], {"LANG": "en_US.UTF-8"}, "en"),
    ([], {"LC_ALL": "vi_VN.UTF-8", "LANG": "en_US.UTF-8"}, "vi"),
    (["--lang", "vi"], {"LANG": "en_GB"}, "vi"),
])
def test_language_from_flag_then_environment(argv, environ, expected):
    assert language(argv, environ) == expected


@pytest.mark.parametrize("n,vi,en", [(0, "0 lỗi", "0 errors"), (1, "1 lỗi", "1 error"), (2, "2 lỗi", "2 errors"),
                                     (1234, "1.234 lỗi", "1,234 errors")])
def test_counts_read_naturally_in_both_languages(n, vi, en):
    from cchc_xlsx.messages import count, severity_counts
    assert count("count.error", n) == vi and count("count.error", n, "en") == en
    assert severity_counts({"error": 1, "warning": 2, "info": 1}, "en") == "1 error, 2 warnings, 1 note"
    assert severity_counts({"error": 1, "warning": 2, "info": 1}) == "1 lỗi, 2 cảnh báo, 1 ghi chú"


def test_a_counted_message_has_one_vietnamese_form_and_at_most_two_english():
    for key, (vi, en) in CATALOGUE.items():
        assert "|" not in vi, f"{key}: Vietnamese has no plural"
        assert en.count("|") <= 1, key
