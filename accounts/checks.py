from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxies_check(app_configs, **kwargs):
    """Behind a proxy with none trusted, every client has the proxy's address: the login lockout
    (username + address) would then lock a username for everyone, and the log would name the proxy."""
    if settings.SECURE_PROXY_SSL_HEADER and not settings.TRUSTED_PROXIES:
        return [Warning(
            "BEHIND_HTTPS_PROXY is on but TRUSTED_PROXIES is empty.",
            hint="Set TRUSTED_PROXIES to the addresses of the reverse proxies, so that the login lockout and "
                 "the security log see each client's own address.",
            id="accounts.W001",
        )]
    return []
