"""Pictures passed from chats: analysts see them veiled, one at a time when asked, and assess them."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.permissions import may
from childshield.core.errors import ApplicationError
from childshield.hotline import selectors
from childshield.hotline.evidence_files import evidence_content
from childshield.hotline.models import Classification
from childshield.hotline.permissions import HotlinePerm
from childshield.hotline.services.received_images import received_image_assess
from childshield.hotline.views import _note_viewing, _nudge


@staff_view(HotlinePerm.EVIDENCE_VIEW)
@require_GET
def received_images(request: StaffRequest) -> HttpResponse:
    """The pictures passed from chats, those to assess first; none is shown until asked (`?show=`)."""
    acting = request.membership
    shown = request.GET.get("show", "")
    context = {
        "images": selectors.received_images_for_review(membership=acting),
        "shown": int(shown) if shown.isdigit() else None,
        "classifications": Classification.choices,
        "may_assess": may(acting, HotlinePerm.ITEM_ASSESS),
        "nudge": _nudge(request),
    }
    return render(request, "hotline/received_images.html", context)


@never_cache
@staff_view(HotlinePerm.EVIDENCE_VIEW)
@require_GET
def received_image_file(request: StaffRequest, pk: int) -> HttpResponse:
    image = selectors.received_image_get(membership=request.membership, pk=pk, opened=True)
    _note_viewing(request)
    response = HttpResponse(evidence_content(evidence=image), content_type=image.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


@staff_view(HotlinePerm.ITEM_ASSESS)
@require_POST
def received_image_assess_view(request: StaffRequest, pk: int) -> HttpResponse:
    acting = request.membership
    image = selectors.received_image_get(membership=acting, pk=pk)
    try:
        received_image_assess(
            acting=acting, image=image, classification=request.POST.get("classification", "")
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The picture is assessed."))
    return redirect(reverse("hotline:received_images") + f"#picture-{image.pk}")
