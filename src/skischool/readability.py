"""Reading-grade metrics in the style of textstat, in pure standard-library Python.

Why not textstat/pyphen: the checker also runs in the browser (Pyodide), so this module must be
pure Python, import-light and safe on any input. One metric per function; every function accepts
any string (empty, 1 MB, emoji, control characters, other scripts) and runs in linear time.

Syllables are counted with an English spelling heuristic (vowel groups plus a few well-known
corrections), which is what textstat-style tools do; it agrees with dictionary counts on most
common words, and the formulas only need an average over many words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "count_syllables",
    "flesch_kincaid_grade",
    "flesch_reading_ease",
    "grade_level",
    "sentences",
    "words",
]

# --- text clean-up -------------------------------------------------------------------------------

# Invisible characters that can sit inside a word (pasted text, obfuscation): dropped, so
# "he\u200bllo" still reads as one word.
_INVISIBLE_CHARS = "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\ufeff"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS))
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE_CHARS}]")


def _clean(text: str) -> str:
    """Drop invisible characters and compose accents, so words are found the same way every time."""
    if text.isascii():  # no invisible characters, nothing to compose: the common case
        return text
    return unicodedata.normalize("NFC", _INVISIBLE_RE.sub("", text))


# --- words -------------------------------------------------------------------------------------

# A letter is a word character that is not a digit or underscore. Combining marks of common
# scripts may follow a letter (they are not word characters to `re`, but belong to the word).
_L = r"[^\W\d_]"
_M = (
    r"[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
    r"\u0610-\u061a\u064b-\u065f\u0670\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"
    r"\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]"
)
# Letters, joined by single apostrophes or hyphens ("don't", "well-known"); digits end a word.
_WORD_RE = re.compile(rf"{_L}(?:{_L}|{_M})*(?:['’\-‐‑]{_L}(?:{_L}|{_M})*)*")


def words(text: str) -> list[str]:
    """The words of a text: runs of letters, apostrophes and hyphens inside; numbers are not words."""
    return _WORD_RE.findall(_clean(text))


# --- sentences ---------------------------------------------------------------------------------

# A run of terminators ("...", "?!", "…") ends a sentence when followed by whitespace or the end
# (closing quotes/brackets may come between); a line break always ends one.
_BOUNDARY_RE = re.compile(r"[.!?…‼⁇⁈⁉。！？]+|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# What must follow a run of terminators for it to end a sentence. Checked separately from the run
# itself: as one pattern, a long run of "!" before a letter backtracks quadratically.
_AFTER_RE = re.compile(r"[\"'”’»)\]]*(?:\s|\Z)")
_TERMINATORS = frozenset(".!?…‼⁇⁈⁉。！？")
# Lower-cased words that are usually followed by a dot that does not end the sentence.
_ABBREVIATIONS = frozenset(
    (  # noqa: SIM905 - a word list reads better as text
        "mr mrs ms mx dr prof sr jr st vs etc approx dept est inc ltd corp co jan feb mar apr jun "
        "jul aug sep sept oct nov dec fig vol mt ave gen gov sen rep capt lt col sgt cf al ca e.g i.e"
    ).split()
)
# "U.S", "e.g", "a.m": letters separated by single dots.
_DOTTED_RE = re.compile(r"[^\W\d_](?:\.[^\W\d_])+")
_ABBREV_WINDOW = 12  # longest token (with leading punctuation) worth checking


def _is_abbreviation(text: str, dot: int) -> bool:
    """Is the single dot at ``dot`` the end of an abbreviation such as "Dr." or "U.S."?"""
    lo = max(0, dot - _ABBREV_WINDOW)
    chunk = text[lo:dot]
    if not chunk or chunk[-1].isspace():
        return False
    parts = chunk.split()
    if len(parts) == 1 and lo > 0 and not chunk[0].isspace() and not text[lo - 1].isspace():
        return False  # the token is longer than any abbreviation
    token = parts[-1].lstrip("([{\"'“‘«")
    if token.lower() in _ABBREVIATIONS or _DOTTED_RE.fullmatch(token):
        return True
    # A single capital is an initial ("J. Smith"), except "I" ("So do I.").
    return len(token) == 1 and token.isupper() and token != "I"


def sentences(text: str) -> int:
    """Number of sentences: stretches with at least one word between ends (. ! ? or a line break).

    "..." and "?!" count as one end, dots of common abbreviations ("e.g.", "Dr.", "U.S.") and
    dots inside numbers or links do not end a sentence. At least 1 whenever there are words.
    """
    text = _clean(text)
    count = 0
    start = 0
    for m in _BOUNDARY_RE.finditer(text):
        if m.group()[0] in _TERMINATORS and not _AFTER_RE.match(text, m.end()):
            continue
        if m.group() == "." and _is_abbreviation(text, m.start()):
            continue
        if _WORD_RE.search(text, start, m.start()):
            count += 1
        start = m.end()
    if _WORD_RE.search(text, start):
        count += 1
    return count


# --- syllables ---------------------------------------------------------------------------------

# Common words the spelling rules get wrong (dictionary counts).
_EXCEPTIONS: dict[str, int] = {
    "business": 2,
    "businesses": 3,
    "every": 2,
    "maybe": 2,
    "recipe": 3,
    "hundred": 2,
    "hundreds": 2,
    "science": 2,
    "create": 2,
    "created": 3,
    "creates": 2,
    "creating": 3,
    "creative": 3,
    "creation": 3,
    "cafe": 2,
    "naive": 2,
    "rhythm": 2,
    "marriage": 2,
    "carriage": 2,
    "wednesday": 2,
    "evening": 2,
    "homework": 2,
    "lifetime": 2,
    "therefore": 2,
    "likewise": 2,
    "timeline": 2,
    "apostrophe": 4,
    "catastrophe": 4,
    "simile": 3,
    "karate": 3,
    "acne": 2,
    "colonel": 2,
    "people": 2,
    "bluetooth": 2,
    "eye": 1,
    "eyes": 1,
}
# "some"+"one", "every"+"thing": the first part keeps its own count (its final e is silent).
_COMPOUND_HEADS: tuple[tuple[str, int], ...] = (("some", 1), ("every", 2), ("any", 2))
_COMPOUND_TAILS = frozenset(
    "one body thing things where time times how what day way more place".split()  # noqa: SIM905
)
# Suffixes that are their own syllable and hide a silent e ("lonely", "statement").
_SUFFIXES: tuple[tuple[str, int], ...] = (
    ("ly", 3),
    ("ment", 4),
    ("ness", 3),
    ("less", 3),
    ("ful", 3),
)
_VOWELS = "aeiouy"
# A vowel group; y is a vowel unless a vowel follows it ("yes", "player" vs "gym", "day").
_GROUP_RE = re.compile(r"(?:[aeiou]|y(?![aeiou]))+")
# Vowel pairs that are two syllables although they sit in one group ("me-di-a", "qui-et").
_SPLIT_RES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"ia(?=t)|(?<![ctsgxl])ia",  # media, trial, appreciate (not social, Asian, William)
        r"iu",  # medium, stadium
        r"iet",  # quiet, diet, society
        r"(?<![ct])ien(?=[ct])",  # client, experience (not patient, ancient)
        r"(?<=..[^aeiouy])ie(?=r$|st$)",  # easier, happiest (not pier)
        r"(?<![tscxglnv])io|(?<=[lnv])io(?![nr])",  # radio, curious (not nation, million, junior)
        r"eo$|(?<![gtc])eou",  # video, spontaneous (not gorgeous)
        r"[aeiouy][^aeiouy]+ea$",  # idea, area (not sea)
        r"(?<![qg])ua",  # actual, usual (not quality, language)
        r"(?<![qg])ue(?=[lnt])",  # fuel, fluent (not question, guest)
        r"(?<!q)uo",  # continuous, duo
        r"oe(?=[^aeiouys])",  # poem, poet (not does, goes)
        r"(?<=[aeiouy])sm$",  # racism, prism
    )
)
_SIBILANT_ENDINGS = ("se", "xe", "ze", "ce", "ge", "che", "she")
_PART_RE = re.compile(r"[a-z']+")
_CACHEABLE = 40  # longer "words" are rare; do not fill the cache with them


def _has_vowel(s: str) -> bool:
    return any(c in _VOWELS for c in s)


def _base(w: str, keep_final_e: bool) -> int:
    """Vowel groups of a bare word after the silent-letter rules; may be 0 ("the" -> "th")."""
    n = len(w)
    if n > 3 and w.endswith("ed"):
        before = w[-3]
        syllabic_led = before == "l" and w[-4] not in _VOWELS and w[-4] != "l"  # "settled"
        if before not in "aeiou" and before not in "td" and not syllabic_led:
            w = w[:-2] + "d"  # "liked", "played": the e is silent
    elif w.endswith("que") or (n > 5 and w.endswith("gue")):
        w = w[:-2]  # "unique", "league"
    elif n > 1 and w.endswith("e") and not keep_final_e:
        syllabic = (
            n > 2
            and w[-2] in "lr"
            and w[-3] not in _VOWELS
            and w[-3] != w[-2]  # "table", "centre" keep the e; "belle" does not
        )
        if not syllabic:
            w = w[:-1]
    count = sum(1 for _ in _GROUP_RE.finditer(w))
    if count:
        count += sum(len(r.findall(w)) for r in _SPLIT_RES)
    return count


def _core(w: str) -> int:
    """Syllables of a lower-case a-z word (no apostrophes), at least 1."""
    known = _EXCEPTIONS.get(w)
    if known is not None:
        return known
    for head, head_count in _COMPOUND_HEADS:
        if w.startswith(head) and w[len(head) :] in _COMPOUND_TAILS:
            return head_count + _core(w[len(head) :])
    keep_final_e = False
    if len(w) > 3 and w[-1] == "s" and w[-2] not in "sui":
        w = w[:-1]  # plural or third person: "makes" -> "make"
        known = _EXCEPTIONS.get(w)
        if known is not None:
            return known
        keep_final_e = w.endswith(_SIBILANT_ENDINGS)  # "boxes", "changes", "places"
    extra = 0
    stripped = True
    while stripped:
        stripped = False
        for suffix, min_stem in _SUFFIXES:
            stem = w[: -len(suffix)]
            if w.endswith(suffix) and len(stem) >= min_stem and _has_vowel(stem):
                w, extra, stripped, keep_final_e = stem, extra + 1, True, False
                break
    if w.endswith("ing") and _has_vowel(w[:-3]):
        return max(1, _base(w[:-3], False)) + 1 + extra  # "being", "going", "seeing"
    return max(1, _base(w, keep_final_e)) + extra


@lru_cache(maxsize=4096)
def _count_cached(word: str) -> int:
    return _count(word)


def _count(word: str) -> int:
    folded = word.translate(_INVISIBLE).casefold().replace("’", "'").replace("‘", "'")
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")
    total = 0
    for part in _PART_RE.findall(folded):
        bare = part.strip("'")
        if not bare:
            continue
        # A contraction after a consonant adds a syllable: "didn't", "should've", "it'll".
        if (bare.endswith("n't") and len(bare) > 3 and bare[-4] not in _VOWELS) or (
            bare.endswith(("'ve", "'ll", "'d")) and bare.rsplit("'", 1)[0][-1:] not in "aeiouy'"
        ):
            total += 1
        letters = bare.replace("'", "")
        if letters:
            total += _core(letters)
    if total == 0 and any(c.isalpha() for c in word):
        return 1  # letters of another script: count the word as one syllable
    return total


def count_syllables(word: str) -> int:
    """Syllables in one English word by spelling rules; at least 1 if it has letters, else 0.

    Hyphenated words count each part ("well-known" = 2). Words in other scripts count as 1.
    """
    if not word:
        return 0
    if len(word) <= _CACHEABLE:
        return _count_cached(word)
    return _count(word)


# --- formulas ----------------------------------------------------------------------------------


def _counts(text: str) -> tuple[int, int, int]:
    """(words, sentences, syllables) of a text, computed once for the formulas."""
    ws = words(text)
    if not ws:
        return 0, 0, 0
    return len(ws), max(1, sentences(text)), sum(count_syllables(w) for w in ws)


def flesch_reading_ease(text: str) -> float:
    """Flesch Reading Ease: 206.835 - 1.015 words/sentence - 84.6 syllables/word; 0.0 if no words.

    Higher is easier (60-70 is plain English); not clamped, so very short simple texts exceed 100.
    """
    n_words, n_sentences, n_syllables = _counts(text)
    if not n_words:
        return 0.0
    return 206.835 - 1.015 * (n_words / n_sentences) - 84.6 * (n_syllables / n_words)


def flesch_kincaid_grade(text: str) -> float:
    """Flesch-Kincaid grade: 0.39 words/sentence + 11.8 syllables/word - 15.59; 0.0 if no words.

    Roughly the US school grade needed to read the text; can be negative for very simple text.
    """
    n_words, n_sentences, n_syllables = _counts(text)
    if not n_words:
        return 0.0
    return 0.39 * (n_words / n_sentences) + 11.8 * (n_syllables / n_words) - 15.59


def grade_level(text: str) -> float:
    """The course's reading grade: Flesch-Kincaid grade clamped to [0, 20], one decimal."""
    return round(min(max(flesch_kincaid_grade(text), 0.0), 20.0), 1)
