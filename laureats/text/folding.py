"""How text is compared: one normalisation for stored search text, queries and sort keys."""

import re
import unicodedata

WORD = re.compile(r"[a-z0-9]+")

# Letters that NFKD leaves whole, so that stripping accents would not reach them: without this,
# "cœur" would be the two words "c" and "ur" once reduced to [a-z0-9]. casefold() already turns
# "ß" into "ss".
FOLDED_LETTERS = str.maketrans(
    {
        "œ": "oe",
        "æ": "ae",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ł": "l",
        "þ": "th",
        "ŧ": "t",
    }
)

# PostgreSQL's French stop words (tsearch_data/french.stop) that can appear in accent-free text:
# its French configuration drops them from documents and queries alike. SQLite drops the same
# ones from queries, so that "de" or "la des" is an empty search on both databases.
# fmt: off
FRENCH_STOP_WORDS = frozenset([
    "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "eux", "il",
    "je", "la", "le", "leur", "lui", "ma", "mais", "me", "mes", "moi", "mon", "ne", "nos", "notre",
    "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur",
    "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "c", "d", "j", "l",
    "m", "n", "s", "t", "y", "suis", "es", "est", "sommes", "sont", "serai", "seras", "sera",
    "serons", "serez", "seront", "serais", "serait", "serions", "seriez", "seraient", "fus", "fut",
    "furent", "sois", "soit", "soyons", "soyez", "soient", "fusse", "fusses", "fussions",
    "fussiez", "fussent", "ayant", "ayante", "ayantes", "ayants", "eu", "eue", "eues", "eus", "ai",
    "as", "avons", "avez", "ont", "aurai", "auras", "aura", "aurons", "aurez", "auront", "aurais",
    "aurait", "aurions", "auriez", "auraient", "avais", "avait", "avions", "aviez", "avaient",
    "eut", "eurent", "aie", "aies", "ait", "ayons", "ayez", "aient", "eusse", "eusses", "eussions",
    "eussiez", "eussent",
])
# fmt: on


FOLDED_LETTER = re.compile(f"[{''.join(map(chr, FOLDED_LETTERS))}]")
NON_ASCII = re.compile(r"[^\x00-\x7f]")


def normalize_text(text):
    """Lower case without accents or ligatures: "Santé", "SANTE" and "sante" compare equal,
    and so do "Cœur" and "coeur".

    The rule is per character: casefold, fold FOLDED_LETTERS, decompose (NFKD), drop the
    combining marks. It is written as scans in C rather than a Python loop over every
    character: check_derived rebuilds 10,000 search texts (15 million characters) in 0.7 s of
    CPU instead of 2.2 (tests/test_search.py compares both writings)."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    folded = FOLDED_LETTER.sub(lambda match: FOLDED_LETTERS[ord(match.group())], folded)
    decomposed = unicodedata.normalize("NFKD", folded)
    # The marks among the few distinct characters met, each looked up once.
    marks = {char for char in set(NON_ASCII.findall(decomposed)) if unicodedata.combining(char)}
    if not marks:
        return decomposed
    return re.sub(f"[{''.join(map(re.escape, sorted(marks)))}]", "", decomposed)


def search_words(text, limit=12):
    """The words of a search, normalised, without stop words; punctuation and operators never
    reach the database. An empty list means an empty search."""
    words = [word for word in WORD.findall(normalize_text(text)) if word not in FRENCH_STOP_WORDS]
    return words[:limit]
