"""The providers' webhook: one address per channel, holding the channel's random key.

Every call is checked first (a wrong signature or secret is a 403 and stores nothing), then its
messages are stored as outbox items and the provider is answered at once; a worker does the rest.
Nothing a call carries is logged.
"""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from childshield.messaging import selectors, services
from childshield.messaging.adapters import adapter_for
from childshield.messaging.adapters.base import Refused

logger = logging.getLogger(__name__)


@csrf_exempt  # the provider signs its calls; it has no cookie to send
@never_cache
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest, key: str) -> HttpResponse:
    channel = selectors.channel_by_webhook_key(key)
    adapter = adapter_for(channel.kind)
    if adapter is None:
        return HttpResponse(status=404)
    try:
        if request.method == "GET":
            answer = adapter.handshake(channel, request)
            return answer if answer is not None else HttpResponse(status=405)
        adapter.verify(channel, request)
        messages = adapter.parse(channel, request)
    except Refused:
        logger.warning("A call to chat channel %s was refused: its signature or secret is wrong.", channel.pk)
        return HttpResponseForbidden()
    except (ValueError, KeyError, TypeError, AttributeError):
        # Signed by the provider but not shaped as its documentation says: answered, so that it is
        # not delivered again and again, and counted for the operators, by channel only.
        logger.warning("A signed call to chat channel %s could not be read.", channel.pk)
        return adapter.acknowledge()
    services.inbound_accept(channel=channel, messages=messages)
    return adapter.acknowledge()
