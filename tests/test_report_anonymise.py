"""Replies made safe to quote (skischool.report.anonymise)."""

from __future__ import annotations

from skischool.report.anonymise import Anonymiser, anonymise


def test_contacts_and_links_become_placeholders() -> None:
    text = (
        "Mail me at ana.lopez+work@example.co.uk, call +44 20 7946 0958 or (0161) 496-0000, "
        "see https://shop.example/deal?x=1 or www.example.org, or DM @ana_lopez."
    )
    out = anonymise(text)
    assert out == (
        "Mail me at [email], call [phone] or [phone], see [link] or [link], or DM [handle]."
    )


def test_the_class_names_and_sign_offs_are_replaced() -> None:
    names = ["Ana Lopez", "ben-okafor"]
    assert anonymise("Hi, I'm Ana Lopez; ana lopez too.", names) == "Hi, I'm [name]; [name] too."
    assert anonymise("Ben and Okafor said Lopez.", names) == "[name] and [name] said [name]."
    assert anonymise("Sorted now, thanks for your patience. – Maya", names).endswith("– [name]")
    assert anonymise("Sorted now.\nCheers,\nSam K", names).endswith("Cheers, [name]")
    assert anonymise("Pool reopens at noon. Sam", names).endswith("noon. [name]")


def test_ordinary_words_numbers_and_dates_are_kept() -> None:
    anon = Anonymiser(["Will", "skischool-progress (1)"])
    assert anon("I will check it on 2026-03-02; 15-20% sag at 68kg.") == (
        "I will check it on 2026-03-02; 15-20% sag at 68kg."
    )
    assert anon("Progress is slow, so will you?") == "Progress is slow, so will you?"
    assert anon("Will you?") == "[name] you?"


def test_control_characters_go_emoji_stay_html_is_left_for_escaping_and_it_is_clipped() -> None:
    assert anonymise("a\x1b[31mb\u202ec\x00d 🎿") == "a [31mb c d 🎿"
    assert anonymise("<script>alert(1)</script>") == "<script>alert(1)</script>"
    long = anonymise("word " * 200, limit=50)
    assert len(long) == 50 and long.endswith("…")
    assert anonymise("") == ""


def test_a_huge_reply_ends_clipped() -> None:
    # One 2 MB word: the e-mail pattern alone would retry it from every position (quadratic,
    # minutes); only the start is shown, so only the start is scanned.
    out = anonymise("a" * 2_000_000 + "@example.org")
    assert out == "a" * 239 + "…"
