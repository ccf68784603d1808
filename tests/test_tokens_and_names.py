"""Tokens inside mixed-direction text and names from titles (issue 11): the pure functions behind them.

What a reader sees is tested on real outputs in test_real_world_text.py; these pin the rules down case
by case: which isolate the build makes around a Latin token inside Persian, which tokens are URLs or
code that must not be hyphenated and where they may break, and which file name a title gives.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone

import pytest
from helpers import FIXTURES

from parallelbook import model as m
from parallelbook.read.book import load_book
from parallelbook.text.bidi import Isolated, isolate_runs
from parallelbook.text.slugs import slug
from parallelbook.text.tokens import break_points, technical_tokens


def _shown(inlines, base: str = "rtl") -> str:
    """The inlines with each isolate in [brackets]."""

    def text(items) -> str:
        return "".join(
            f"[{text(item.children)}]" if isinstance(item, Isolated)
            else item.text if isinstance(item, (m.Text, m.Code))
            else text(item.children) if isinstance(item, m.Styled)
            else "|"
            for item in items
        )

    return text(isolate_runs(tuple(inlines), base))


@pytest.mark.parametrize(
    ("written", "isolated"),
    [
        # the example: the isolate stopped at the last Latin letter, and `-2021` was moved
        ("گزارش در https://example.com/annual-report-2021 منتشر شد.", "گزارش در [https://example.com/annual-report-2021] منتشر شد."),
        ("به info@example.org نامه", "به [info@example.org] نامه"),
        ("گواهی ISO 9001:2015 را", "گواهی [ISO 9001:2015] را"),  # numbers after a Latin word read with it
        ("نسخهٔ v2.1 از", "نسخهٔ [v2.1] از"),
        ("از UN/DESA گرفته", "از [UN/DESA] گرفته"),
        ("در /usr/local/bin/python3 نصب", "در [/usr/local/bin/python3] نصب"),  # the leading / too
        ("در ~/.config/app.json است.", "در [~/.config/app.json] است."),
        ("ما از Microsoft Windows 10 استفاده", "ما از [Microsoft Windows 10] استفاده"),
        ("سال ۲۰۲۱ Windows 10، و", "سال ۲۰۲۱ [Windows 10]، و"),  # Persian comma: the sentence's
        ("وبسایت (http://submarinecablemap.com) را", "وبسایت [(http://submarinecablemap.com)] را"),
        ("در (https://x.org/a-1). پایان", "در [(https://x.org/a-1)]. پایان"),  # the full stop stays outside
        ("آدرس http://127.0.0.1:8000/ است.", "آدرس [http://127.0.0.1:8000/] است."),
        ("«Hello world» گفت", "[«Hello world»] گفت"),
        ("تابع f(x) است", "تابع [f(x)] است"),
        # not isolated: one Latin word, numbers alone, a Persian suffix that stays Persian
        ("واژهٔ ISO را", "واژهٔ ISO را"),
        ("آدرس 127.0.0.1:8000 است", "آدرس 127.0.0.1:8000 است"),
        ("Django-ها و Node.js\u200cها", "Django-ها و [Node.js]\u200cها"),
    ],
)
def test_an_isolate_holds_whole_tokens(written, isolated):
    assert _shown([m.Text(written)]) == isolated


def test_an_isolate_spans_elements_and_stops_at_a_note():
    emphasised = [m.Text("دیدار با Patricio "), m.Styled("emph", (m.Text("Aylwin"),)), m.Text(" Azócar در")]
    assert _shown(emphasised) == "دیدار با [Patricio Aylwin Azócar] در"
    code = [m.Text("فرمان "), m.Code("manage.py"), m.Text("-2 را")]
    assert _shown(code) == "فرمان [manage.py-2] را"
    noted = [m.Text("در https://example.com/a"), m.Note(()), m.Text("-2021 بود")]
    assert _shown(noted) == "در [https://example.com/a]|-2021 بود"


def test_persian_inside_english_keeps_its_numbers():
    assert _shown([m.Text("This is سلام دنیا ۱۴۰۰ ok.")], "ltr") == "This is [سلام دنیا ۱۴۰۰] ok."


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("see (https://example.com/a-1), then", [("https://example.com/a-1", "url")]),
        ("write to info@example.org.", [("info@example.org", "email")]),
        ("in /usr/local/bin/python3 and UN/DESA", [("/usr/local/bin/python3", "path"), ("UN/DESA", "path")]),
        ("run manage.py on djangogirls.org", [("manage.py", "name"), ("djangogirls.org", "name")]),
        ("در www.example.com است", [("www.example.com", "url")]),
        ("ISO 9001:2015, v2.1, 3.14 and 10/12/2021", []),  # nothing a hyphen could cut
    ],
)
def test_technical_tokens(text, tokens):
    assert [(text[t.start : t.end], t.kind) for t in technical_tokens(text)] == tokens


def test_break_points_only_after_separators():
    url = "https://example.com/annual-report-2021?year=2021&lang=en#top"
    pieces = [url[a:b] for a, b in zip([0, *break_points(url)], [*break_points(url), len(url)])]
    assert pieces == ["https://", "example.com/", "annual-report-2021?", "year=", "2021&", "lang=", "en#", "top"]
    assert break_points("/usr/bin") == [5]  # never after a leading separator
    assert break_points("info@example.org") == [5]  # not after a full stop: `example.` reads as an end


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("A Journey to Valparaíso", "a-journey-to-valparaiso"),
        ("Straße, Œuvre & Ærø", "strasse-oeuvre-aero"),
        ("The Principles of Chile's Foreign Policy", "the-principles-of-chiles-foreign-policy"),
        ("اصول سیاست خارجی شیلی", "asul-siast-kharji-shili"),
        ("جنگو گرلز: آموزش", "jngu-grlz-amuzsh"),
        ("ایران و دنیا", "iran-va-dnia"),
        ("کتاب‌ها ۱۴۰۰", "ktabha-1400"),
        ("خانهٔ دوست کجاست؟", "khane-dust-kjast"),
        ("Ελληνικά", ""),
    ],
)
def test_names_fold_accents_and_transliterate_persian(title, name):
    assert slug(title) == name


def _edition(tmp_path, toml: str, target_heading: str = "# Journey"):
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "books" / "real-world", book)
    (book / "book.toml").write_text(toml, "utf-8")
    chapter = book / "translations" / "en" / "01-journey.md"
    chapter.write_text(chapter.read_text("utf-8").replace("# Journey", target_heading, 1), "utf-8")
    return load_book(book, build_time=datetime(2025, 11, 28, tzinfo=timezone.utc)).editions[0]


def test_the_translations_title_names_the_outputs_with_accents_folded(tmp_path):
    edition = _edition(tmp_path, '[book]\ntitle = { fa = "سفری به والپارایسو", en = "A Journey to Valparaíso" }\n')
    assert edition.slug == "a-journey-to-valparaiso"


def test_a_title_only_in_persian_script_gives_a_readable_name(tmp_path):
    edition = _edition(tmp_path, '[book]\ntitle = "سفری به والپارایسو"\n', target_heading="# سفر")
    assert edition.metadata.titles == {"fa": "سفری به والپارایسو", "en": "سفر"}
    assert edition.slug == "sfr"
    edition = _edition(tmp_path / "2", '[book]\ntitle = { fa = "سفری به والپارایسو", en = "Путешествие" }\n')
    assert edition.slug == "sfri-be-valparaysu", "the source title names the files when the translation's has no letters"
