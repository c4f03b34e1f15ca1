import re
import unicodedata

WORD = re.compile(r"[a-z0-9]+")


def normalize_text(text):
    """Lower case without accents, so that "Santé", "SANTE" and "sante" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_words(text, limit=12):
    """The words of a search, normalised; punctuation and operators never reach the database."""
    return WORD.findall(normalize_text(text))[:limit]
