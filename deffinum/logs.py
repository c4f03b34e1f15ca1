"""How the portal logs: every record once, to the console, at LOG_LEVEL."""


def logging_config(level):
    # Django's "django" logger has a console handler of its own while DEBUG: its records went out
    # twice, through it and through the root's. It now has none (records reach the root's once);
    # configuring it resets its children, so the development server's request lines get their
    # handler and format back explicitly, as in Django's defaults.
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "django.server": {
                "()": "django.utils.log.ServerFormatter",
                "format": "[{server_time}] {message}",
                "style": "{",
            }
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler"},
            "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": [], "level": level},
            "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        },
    }
