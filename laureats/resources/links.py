"""Whether each published resource's address still answers (`manage.py check_resource_links`).

Run by the command only, never in a web request: a check waits on other people's servers.

How a link is checked, as a polite crawler does:
- robots.txt first, once per host (scheme and host name) and per run, read with
  urllib.robotparser; a path it forbids to our User-Agent is not requested, and is recorded as
  such. A robots.txt that is missing (4xx) allows everything; one that the server refuses (401,
  403) or fails to give (5xx) forbids everything (RFC 9309, section 2.3.1);
- HEAD, then GET when the server refuses HEAD (HEAD_REFUSED), without reading the GET's body;
- redirects followed by hand, at most `max_redirects` of them, each new host's robots.txt read
  before it is requested;
- a timeout for connecting and one for each read of the answer, and a bounded pool of threads.

The HTTP client is urllib3: its PoolManager is documented as safe to share between threads, keeps
one connection pool per host, and has the timeouts we need; requests and httpx would each add a
layer over the same work (and httpx's last release is from 2024).
"""

import threading
import urllib.robotparser
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    LocationParseError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)

# Statuses by which servers that do not implement HEAD answer it: the address is tried with GET.
HEAD_REFUSED = {400, 403, 405, 406, 501}
REDIRECTS = {301, 302, 303, 307, 308}
# robots.txt: its redirects followed (RFC 9309 says at least five), no other retry, and what
# parsers must read of it at least (500 KiB).
ROBOTS_RETRIES = urllib3.Retry(
    total=5, connect=0, read=0, status=0, other=0, redirect=5, raise_on_redirect=False
)
ROBOTS_MAX_BYTES = 512 * 1024

# Stored as is in Resource.link_error (the data's language is French, like the sources').
FORBIDDEN_BY_ROBOTS = "exploration interdite par le robots.txt du site"
TIMEOUT = "pas de réponse dans le délai"
UNREACHABLE = "serveur injoignable"
BAD_CERTIFICATE = "certificat HTTPS invalide"
TOO_MANY_REDIRECTS = "trop de redirections"
BAD_ADDRESS = "adresse invalide"
HTTP_ERRORS = {
    401: "accès refusé",
    403: "accès refusé",
    404: "page introuvable",
    410: "page supprimée",
    429: "trop de demandes, réessayer plus tard",
}


LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "testserver", "*", ""}


def portal_host():
    """The portal's public host name: the first of ALLOWED_HOSTS that is not a local one, or
    None (a development or test machine)."""
    public = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in LOCAL_HOSTS]
    return public[0] if public else None


def user_agent(portal_url=""):
    """Names the portal and where to read about it, so that a site's owner knows who asks."""
    if not portal_url:
        host = portal_host()
        portal_url = f"https://{host}/" if host else "http://localhost:8000/"
    return f"DeffinumPortail/1.0 (+{portal_url}; vérification des liens des productions partagées)"


def error_of_status(status):
    if 200 <= status < 300:
        return ""
    if status in HTTP_ERRORS:
        return HTTP_ERRORS[status]
    if status >= 500:
        return "erreur du serveur"
    return "réponse inattendue"


@dataclass(frozen=True)
class Outcome:
    """What one check saw: the last HTTP status (None when no answer came) and, when the link
    does not work, why, in a few French words."""

    status: int | None
    error: str = ""

    @property
    def works(self):
        return self.status is not None and not self.error


class LinkChecker:
    """Checks addresses from several threads; one per run (its robots.txt cache lasts a run)."""

    def __init__(self, user_agent, timeout=10.0, max_redirects=5, workers=8):
        self.user_agent = user_agent
        self.max_redirects = max_redirects
        self.workers = workers
        self.http = urllib3.PoolManager(
            num_pools=max(10, workers * 2),
            maxsize=workers,
            headers={"User-Agent": user_agent, "Accept": "*/*"},
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
            # One request is one try, and a redirect is ours to follow (robots.txt first).
            retries=False,
        )
        self.robots = {}  # "scheme://host" -> RobotFileParser, or an Outcome when unreachable
        self.host_locks = {}
        self.lock = threading.Lock()

    def check_all(self, urls):
        """(url, Outcome) pairs, as checks end, at most `workers` at a time."""
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            yield from zip(urls, pool.map(self.check, urls), strict=True)

    def check(self, url):
        try:
            for _hop in range(self.max_redirects + 1):
                refusal = self.refusal_by_robots(url)
                if refusal is not None:
                    return refusal
                response = self.request("HEAD", url)
                if response.status in HEAD_REFUSED:
                    response = self.request("GET", url)
                location = response.headers.get("Location")
                if response.status not in REDIRECTS or not location:
                    return Outcome(response.status, error_of_status(response.status))
                url = urljoin(url, location)
            return Outcome(response.status, TOO_MANY_REDIRECTS)
        except (ConnectTimeoutError, ReadTimeoutError):
            return Outcome(None, TIMEOUT)
        except SSLError:
            return Outcome(None, BAD_CERTIFICATE)
        except (LocationParseError, ValueError):
            return Outcome(None, BAD_ADDRESS)
        except (NewConnectionError, HTTPError, OSError):
            return Outcome(None, UNREACHABLE)

    def request(self, method, url):
        response = self.http.request(method, url, redirect=False, preload_content=False)
        if method == "HEAD":
            response.release_conn()
        else:
            # The status is all we need: the body of a GET (a video, perhaps) is left unread,
            # and its connection closed rather than given back half read.
            response.close()
        return response

    def refusal_by_robots(self, url):
        """None when robots.txt allows `url`, else the Outcome to record."""
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            return Outcome(None, BAD_ADDRESS)
        site = f"{parts.scheme}://{parts.netloc}"
        with self.lock:
            host_lock = self.host_locks.setdefault(site, threading.Lock())
        # One thread reads a host's robots.txt; the others wait for it rather than read it too.
        with host_lock:
            if site not in self.robots:
                self.robots[site] = self.read_robots(site)
        rules = self.robots[site]
        if isinstance(rules, Outcome):
            return rules
        if not rules.can_fetch(self.user_agent, url):
            return Outcome(None, FORBIDDEN_BY_ROBOTS)
        return None

    def read_robots(self, site):
        parser = urllib.robotparser.RobotFileParser(f"{site}/robots.txt")
        try:
            response = self.http.request(
                "GET", f"{site}/robots.txt", retries=ROBOTS_RETRIES, preload_content=False
            )
            body = response.read(ROBOTS_MAX_BYTES)
            response.close()
        except (ConnectTimeoutError, ReadTimeoutError):
            return Outcome(None, TIMEOUT)
        except SSLError:
            return Outcome(None, BAD_CERTIFICATE)
        except (HTTPError, OSError):
            return Outcome(None, UNREACHABLE)
        if response.status in {401, 403} or response.status >= 500:
            parser.disallow_all = True
        elif response.status >= 400:
            parser.allow_all = True
        else:
            parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return parser
