"""The visitor's address, as one notion for every per-visitor limit.

The proposal limit (/contribuer/), the API throttle and the admin lockout (django-axes) all
call `client_ip`, so that a visitor is the same visitor to each of them.
"""

import ipaddress

from django.conf import settings

# A request with no usable address (REMOTE_ADDR empty: a Unix socket without a proxy header)
# still needs a key; they all share this one, which is the best that can be done for them.
UNKNOWN_ADDRESS = "0.0.0.0"


def valid_address(value):
    """`value` as a normalised IP address, or None: junk (a forged header, NUL bytes) never
    reaches a cache key or the database."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except (AttributeError, ValueError):
        return None


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
