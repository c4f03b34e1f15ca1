"""Whether each published resource's address still answers (`manage.py check_resource_links`).

Run by the command only, never in a web request: a check waits on other people's servers.

How a link is checked, as a polite crawler does:
- before every request (each redirect and robots.txt included), the host name is resolved and
  refused when any of its addresses is internal (loopback, private, link-local, reserved...):
  the addresses come from the resources' authors, and a check must not become a way to probe
  the portal's own machine and network, whose answers the public page would show. The
  connection goes to the address that was checked, so that a second DNS answer cannot switch
  it (`allow_local`, for tests and development only, lifts the refusal);
- robots.txt first, once per host (scheme and host name) and per run, read with
  urllib.robotparser; a path it forbids to our User-Agent is not requested, and is recorded as
  such. A robots.txt that is unavailable (4xx, or more than five redirects) allows everything
  (RFC 9309, section 2.3.1); one that the server fails to give (5xx) forbids everything, and
  its status is recorded, since the site, not its robots.txt, is then the problem;
- HEAD, then GET when the server refuses HEAD (HEAD_REFUSED), without reading the GET's body;
- redirects followed by hand, at most `max_redirects` of them, each new host's robots.txt read
  before it is requested;
- a timeout for connecting and one for each read of the answer, and a bounded pool of threads.

The HTTP client is urllib3: its PoolManager is documented as safe to share between threads, keeps
one connection pool per host, and has the timeouts we need; requests and httpx would each add a
layer over the same work (and httpx's last release is from 2024).
"""

import ipaddress
import socket
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
from urllib3.util import parse_url

# Statuses by which servers that do not implement HEAD answer it: the address is tried with GET.
HEAD_REFUSED = {400, 403, 405, 406, 501}
REDIRECTS = {301, 302, 303, 307, 308}
DEFAULT_PORTS = {"http": 80, "https": 443}
# robots.txt: its redirects followed (RFC 9309 says at least five), and what parsers must read
# of it at least (500 KiB).
ROBOTS_MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512 * 1024

# Stored as is in Resource.link_error (the data's language is French, like the sources').
FORBIDDEN_BY_ROBOTS = "exploration interdite par le robots.txt du site"
TIMEOUT = "pas de réponse dans le délai"
UNREACHABLE = "serveur injoignable"
BAD_CERTIFICATE = "certificat HTTPS invalide"
TOO_MANY_REDIRECTS = "trop de redirections"
BAD_ADDRESS = "adresse invalide"
INTERNAL_ADDRESS = "adresse réservée ou interne : non vérifiée"
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


def is_internal(address):
    """Whether an IP address is one of this machine or of a network that is not the Internet."""
    ip = ipaddress.ip_address(address)
    # ::ffff:127.0.0.1 reaches 127.0.0.1, and Python 3.11 does not see through it.
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        # Also what is neither private nor global, such as 100.64.0.0/10 (shared address
        # space), where some clouds put their metadata service.
        or not ip.is_global
    )


class InternalAddress(Exception):
    """The host resolves to an internal address: it is not requested."""


# What a request that raised is recorded as, the first kind that matches: urllib3's
# NewConnectionError is a ConnectTimeoutError, and LocationParseError a ValueError.
FAILURES = [
    (InternalAddress, INTERNAL_ADDRESS),
    (NewConnectionError, UNREACHABLE),
    ((ConnectTimeoutError, ReadTimeoutError), TIMEOUT),
    (SSLError, BAD_CERTIFICATE),
    ((LocationParseError, ValueError), BAD_ADDRESS),
]


def failure(error):
    """The Outcome of a request (a link's or its site's robots.txt) that raised `error`."""
    problem = next((problem for kinds, problem in FAILURES if isinstance(error, kinds)), None)
    return Outcome(None, problem or UNREACHABLE)


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

    def __init__(self, user_agent, timeout=10.0, max_redirects=5, workers=8, allow_local=False):
        self.user_agent = user_agent
        self.max_redirects = max_redirects
        self.workers = workers
        # For tests and development only: their servers listen on 127.0.0.1.
        self.allow_local = allow_local
        self.headers = {"User-Agent": user_agent, "Accept": "*/*"}
        self.http = urllib3.PoolManager(
            num_pools=max(10, workers * 2),
            maxsize=workers,
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
        except (InternalAddress, HTTPError, OSError, ValueError) as error:
            return failure(error)

    def addresses(self, host, port):
        """The addresses of `host`, all checked; InternalAddress if any of them is internal
        (a name that resolves to both a public and an internal address is not trusted)."""
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = list(dict.fromkeys(info[4][0] for info in found))
        if not self.allow_local and any(is_internal(address) for address in addresses):
            raise InternalAddress(host)
        return addresses

    def open(self, method, url):
        """The answer to one request, its body unread, sent to an address that `addresses`
        checked: urllib3 would resolve the name again, and a second answer could differ."""
        target = parse_url(url)
        if target.scheme not in DEFAULT_PORTS or not target.host:
            raise LocationParseError(url)
        host = target.host.strip("[]")
        port = target.port or DEFAULT_PORTS[target.scheme]
        # TLS still names and verifies the host (SNI, certificate), not the address.
        tls = {"server_hostname": host, "assert_hostname": host}
        headers = {**self.headers, "Host": target.netloc}
        failure = None
        for address in self.addresses(host, port):
            pool = self.http.connection_from_host(
                address, port, target.scheme, pool_kwargs=tls if target.scheme == "https" else None
            )
            try:
                return pool.urlopen(
                    method,
                    target.request_uri,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    assert_same_host=False,
                )
            except NewConnectionError as error:
                # The next address, as socket.create_connection would (IPv6 then IPv4).
                failure = error
        raise failure

    def request(self, method, url):
        response = self.open(method, url)
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
        url = f"{site}/robots.txt"
        parser = urllib.robotparser.RobotFileParser(url)
        try:
            # Redirects followed by hand, each hop's address checked as a link's are.
            for _hop in range(ROBOTS_MAX_REDIRECTS + 1):
                response = self.open("GET", url)
                body = response.read(ROBOTS_MAX_BYTES) if 200 <= response.status < 300 else b""
                response.close()
                location = response.headers.get("Location")
                if response.status not in REDIRECTS or not location:
                    break
                url = urljoin(url, location)
                if urlsplit(url).scheme not in DEFAULT_PORTS:
                    break
        except (InternalAddress, HTTPError, OSError, ValueError) as error:
            return failure(error)
        if response.status >= 500:
            # Nothing of the site is requested (RFC 9309, 2.3.1.4), and what it answered is
            # recorded: a link shown as forbidden by robots.txt would hide a failing server.
            return Outcome(response.status, error_of_status(response.status))
        if 200 <= response.status < 300:
            parser.parse(body.decode("utf-8", errors="replace").splitlines())
        else:
            # Unavailable (4xx, 401 and 403 included, or too many redirects): everything is
            # allowed (RFC 9309, 2.3.1.3).
            parser.allow_all = True
        return parser
