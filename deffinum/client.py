"""The visitor's address, as one notion for every per-visitor limit.

The proposal limit (/contribuer/), the API throttle and the admin lockout (django-axes) all
start from `client_ip`, so that a visitor is the same visitor to each of them. An IPv6 visitor
is its network of CLIENT_IPV6_PREFIX bits (a /64): a subscriber is given a whole /64 and may
use any of its addresses, so counting addresses would give one visitor billions of budgets.
django-ratelimit masks the address itself (RATELIMIT_IPV6_MASK, set to the same prefix); the
API throttle and django-axes, which have no such setting, call `client_network`.
"""

import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac

# A request with no usable address (REMOTE_ADDR empty: a Unix socket without a proxy header)
# still needs a key; they all share this one, which is the best that can be done for them.
UNKNOWN_ADDRESS = "0.0.0.0"


def valid_address(value):
    """`value` as a normalised IP address, or None: junk (a forged header, NUL bytes) never
    reaches a cache key or the database. An IPv4 visitor seen through a dual-stack socket
    (::ffff:192.0.2.1) is that IPv4 address: masked as IPv6, every such visitor would share
    one /64."""
    try:
        address = ipaddress.ip_address(value.strip())
    except (AttributeError, ValueError):
        return None
    return str(getattr(address, "ipv4_mapped", None) or address)


def client_ip(request):
    """REMOTE_ADDR, or behind NUM_PROXIES proxies the address the outermost of them saw, read
    from the right of X-Forwarded-For: each proxy appends what it saw, the left is forgeable."""
    if settings.NUM_PROXIES:
        forwarded = [
            part.strip()
            for part in request.headers.get("x-forwarded-for", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= settings.NUM_PROXIES:
            address = valid_address(forwarded[-settings.NUM_PROXIES])
            if address:
                return address
    return valid_address(request.META.get("REMOTE_ADDR", "")) or UNKNOWN_ADDRESS


def client_network(request):
    """The visitor as the limits count it: its IPv4 address, or the first address of its IPv6
    network of CLIENT_IPV6_PREFIX bits (2001:db8:1:2::, still an address that axes can store)."""
    address = ipaddress.ip_address(client_ip(request))
    if address.version == 4:
        return str(address)
    prefix = settings.CLIENT_IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def keyed_hash(data):
    """django-ratelimit's hash of a counter's key (RATELIMIT_HASH_ALGORITHM), keyed with the
    SECRET_KEY: a plain hash of an IPv4 address is undone by trying all 2³² of them, so the
    cache would hold who proposed."""
    return salted_hmac("deffinum-limits", data, algorithm="sha256")
