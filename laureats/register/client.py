"""The client of the API Recherche d'entreprises (its OpenAPI description:
annuaire-entreprises-data-gouv-fr/search-api, app/doc/open-api.yml).

The service allows 7 requests a second per address and answers 429 with a Retry-After beyond:
every request of this process waits its turn (one shared limit, whichever caller), and a 429 is
retried a few times after the wait the service asks for. Whatever goes wrong (the service
unreachable, slow, refusing, broken, or answering something that is not its list of results)
ends in one exception, RegisterError, whose message tells the administrator in French what
happened, and that nothing was written.
"""

import email.utils
import threading
import time

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

API_URL = "https://recherche-entreprises.api.gouv.fr/search"
# Below the published 7 a second: a request's own latency is no guarantee of spacing.
MAX_PER_SECOND = 6
# (connect, read) in seconds: an admin page waits on it, and a command waits per organisation.
TIMEOUT = (3.05, 10)
# How many times a 429 is retried, and the longest Retry-After we accept to wait.
RETRIES_ON_429 = 3
LONGEST_WAIT = 30.0
# The secondary fields each answer needs, and no others (the payload is ~10 times smaller).
INCLUDED = "siege,complements,matching_etablissements"
CANDIDATES_PER_PAGE = 10


class RegisterError(Exception):
    """The register could not answer: the message says why, in French, for the person."""


class SearchRefused(RegisterError):
    """The register refused this one search (a 4xx other than 429: a name too short...): the
    service works, and the next search may be asked."""


class Throttle:
    """At most `rate` starts a second in this process, shared by every client."""

    def __init__(self, rate, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / rate
        self.clock, self.sleep = clock, sleep
        self.lock = threading.Lock()
        self.next_start = 0.0

    def wait(self):
        with self.lock:
            now = self.clock()
            start = max(now, self.next_start)
            self.next_start = start + self.interval
        if start > now:
            self.sleep(start - now)


THROTTLE = Throttle(MAX_PER_SECOND)


def pause(seconds):
    """The wait a 429 asks for (replaced in the tests, which replay it without waiting)."""
    time.sleep(seconds)


def retry_after(response):
    """The seconds the service asks to wait (Retry-After: seconds or an HTTP date), 1 if it
    does not say."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    return max(0.0, (when - timezone.now()).total_seconds())


def user_agent():
    # The service asks for an explicit User-Agent: who calls, and how to reach them.
    contact = getattr(settings, "CONTACT_EMAIL", "")
    return f"deffinum-portail (enrichissement des organisations){f'; {contact}' if contact else ''}"


class RegisterClient:
    def __init__(self, session=None, throttle=None, sleep=None):
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent()
        self.throttle = throttle or THROTTLE
        self.sleep = sleep or pause

    def search(self, **params):
        """The payload of /search for these parameters: {"results": [...], "total_results"...}."""
        params = {"minimal": "true", "include": INCLUDED, **params}
        for attempt in range(RETRIES_ON_429 + 1):
            response = self.get(params)
            if response.status_code != 429:
                return self.payload(response)
            wait = retry_after(response)
            if attempt == RETRIES_ON_429 or wait > LONGEST_WAIT:
                break
            self.sleep(wait)
        raise RegisterError(
            _(
                "Le registre des entreprises limite le nombre de requêtes et demande d'attendre "
                "(erreur 429, après %(count)s essai(s)) : rien n'a été modifié, réessayez "
                "dans quelques minutes."
            )
            % {"count": attempt + 1}
        )

    def get(self, params):
        self.throttle.wait()
        try:
            # Read at each call: the tests point it at an address that cannot resolve.
            return self.session.get(API_URL, params=params, timeout=TIMEOUT)
        except requests.Timeout:
            raise RegisterError(
                _(
                    "Le registre des entreprises n'a pas répondu à temps (plus de %(seconds)s "
                    "secondes) : rien n'a été modifié, réessayez plus tard."
                )
                % {"seconds": TIMEOUT[1]}
            ) from None
        except requests.RequestException:
            raise RegisterError(
                _(
                    "Le registre des entreprises est injoignable (service arrêté ou réseau "
                    "coupé) : rien n'a été modifié, réessayez plus tard."
                )
            ) from None

    def payload(self, response):
        if response.status_code >= 500:
            raise RegisterError(
                _(
                    "Le registre des entreprises est en panne (erreur %(status)s) : rien n'a été "
                    "modifié, réessayez plus tard."
                )
                % {"status": response.status_code}
            )
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code != 200:
            reason = data.get("erreur", "") if isinstance(data, dict) else ""
            raise SearchRefused(
                _(
                    "Le registre des entreprises a refusé la recherche (erreur %(status)s). %(reason)s"
                )
                % {"status": response.status_code, "reason": str(reason)[:200]}
            )
        if not well_formed(data):
            raise RegisterError(
                _(
                    "Le registre des entreprises a répondu autre chose que sa liste de résultats "
                    "(réponse inattendue) : rien n'a été modifié. Si cela dure, son format a "
                    "peut-être changé."
                )
            )
        return data

    def by_identifier(self, identifier):
        """The register's legal unit of this SIREN (or of the establishment of this SIRET), or
        None when it has none: a direct search, which ignores every other filter."""
        for result in self.search(q=identifier, per_page=1)["results"]:
            if result["siren"] == identifier[:9]:
                return result
        return None

    def candidates(self, name, commune_code="", region_code=""):
        """The legal units whose name (or address) matches, in the commune (or the region) when
        known: the person picks one."""
        params = {"q": name, "per_page": CANDIDATES_PER_PAGE}
        if commune_code:
            params["code_commune"] = commune_code
        elif region_code:
            params["region"] = region_code
        return self.search(**params)["results"]


def well_formed(data):
    """Whether `data` has the shape the OpenAPI description gives a /search answer: a list of
    results, each an object with its SIREN and, when present, objects for its head office and
    complements."""
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        return False
    for result in data["results"]:
        if not isinstance(result, dict) or not isinstance(result.get("siren"), str):
            return False
        for part in ("siege", "complements"):
            if result.get(part) is not None and not isinstance(result[part], dict):
                return False
        if not isinstance(result.get("matching_etablissements") or [], list):
            return False
    return True
