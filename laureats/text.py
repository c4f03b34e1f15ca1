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


def normalize_text(text):
    """Lower case without accents or ligatures: "Santé", "SANTE" and "sante" compare equal,
    and so do "Cœur" and "coeur"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(FOLDED_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_words(text, limit=12):
    """The words of a search, normalised, without stop words; punctuation and operators never
    reach the database. An empty list means an empty search."""
    words = [word for word in WORD.findall(normalize_text(text)) if word not in FRENCH_STOP_WORDS]
    return words[:limit]
