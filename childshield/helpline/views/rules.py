"""Data supervisors edit for every helpline: the triage rules (with a box to test them), the saved replies."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.core.errors import ApplicationError
from childshield.helpline import selectors
from childshield.helpline.forms import ReplyTemplateForm, TriageRuleForm
from childshield.helpline.models import ReplyTemplate, TriageRule
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.reply_templates import LANGUAGES
from childshield.helpline.services import replies as reply_services
from childshield.helpline.services import rules as rule_services
from childshield.helpline.triage import Flag, RuleSpec, Signal, compile_rules, phrase_problems, signals_in
from childshield.helpline.triage_set import rule_reach


@staff_view(HelplinePerm.RULES_MANAGE)
@require_http_methods(["GET", "POST"])
def rules(request: StaffRequest) -> HttpResponse:
    """The triage rules, and a box to see which words of a sample text raise which signal."""
    listed = selectors.triage_rules_for_manage(acting=request.membership)
    sample = request.POST.get("sample", "")[:5000] if request.method == "POST" else ""
    flags: list[Flag] | None = signals_in(sample, selectors.triage_rules_current()[1]) if sample else None
    return render(request, "helpline/rules.html", {"rules": listed, "sample": sample, "flags": flags})


def _rule_page(
    request: StaffRequest, form: TriageRuleForm, rule: TriageRule | None, **extra: object
) -> HttpResponse:
    context = {
        "form": form,
        "rule": rule,
        "history": selectors.triage_rule_history(acting=request.membership, rule=rule) if rule else [],
        **extra,
    }
    return render(request, "helpline/rule_form.html", context, status=400 if form.errors else 200)


@staff_view(HelplinePerm.RULES_MANAGE)
@require_http_methods(["GET", "POST"])
def rule_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    """Add or change a rule; "Test" runs the words as typed on the sample without saving them."""
    acting = request.membership
    rule = selectors.triage_rule_get(acting=acting, pk=pk) if pk is not None else None
    initial = (
        {
            "signal": rule.signal,
            "language": rule.language,
            "phrases": "\n".join(rule.phrases),
            "is_active": rule.is_active,
            "version": rule.version,
        }
        if rule
        else {}
    )
    form = TriageRuleForm(request.POST or None, initial=initial)
    if request.method != "POST" or not form.is_valid():
        return _rule_page(request, form, rule)
    data = rule_services.TriageRuleInput(
        signal=form.cleaned_data["signal"],
        language=form.cleaned_data["language"],
        phrases=form.phrase_list(),
        is_active=form.cleaned_data["is_active"],
        note=form.cleaned_data["note"],
    )
    signal = Signal(data.signal)
    problems = phrase_problems(data.phrases, signal)
    if problems:
        for problem in problems:
            form.add_error("phrases", problem)
        return _rule_page(request, form, rule)
    compiled = compile_rules([RuleSpec(signal=signal, language=data.language, phrases=tuple(data.phrases))])
    # What these words alone raise on the team's messages: a rule that would flood the queue is
    # shown before it is saved, and saved only when the supervisor says they checked it.
    reach = rule_reach(compiled, signal=signal, language=data.language)
    if request.POST.get("action") == "test":
        sample = form.cleaned_data["sample"]
        # No sample: the words are still measured on the team's messages, nothing more to show.
        flags = signals_in(sample, compiled) if sample.strip() else None
        return _rule_page(request, form, rule, flags=flags, tested=flags is not None, reach=reach)
    if reach.too_broad and not form.cleaned_data["save_broad"]:
        form.add_error(
            "save_broad",
            _("These words raise the signal on too many ordinary messages. Change them, or tick this box."),
        )
        return _rule_page(request, form, rule, reach=reach)
    try:
        if rule is None:
            saved = rule_services.triage_rule_create(acting=acting, data=data)
        else:
            saved = rule_services.triage_rule_update(
                acting=acting, rule=rule, data=data, version=form.cleaned_data["version"] or 0
            )
    except ApplicationError as error:
        form.add_error(None, str(error.message))
        return _rule_page(request, form, rule)
    messages.success(request, _("The rule is saved (version %(version)s).") % {"version": saved.version})
    return redirect("helpline:rule_edit", pk=saved.pk)


@staff_view(HelplinePerm.RULES_MANAGE)
@require_GET
def replies(request: StaffRequest) -> HttpResponse:
    language = (get_language() or "en")[:2]
    listed = [
        (template, template.title(language))
        for template in selectors.reply_templates_for_manage(acting=request.membership)
    ]
    return render(request, "helpline/replies.html", {"templates": listed})


@staff_view(HelplinePerm.RULES_MANAGE)
@require_http_methods(["GET", "POST"])
def reply_template_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    acting = request.membership
    template: ReplyTemplate | None = (
        selectors.reply_template_get(acting=acting, pk=pk) if pk is not None else None
    )
    initial: dict[str, object] = {}
    if template is not None:
        initial = {
            "code": template.code,
            "position": template.position,
            "is_active": template.is_active,
            "version": template.version,
        }
        for code in LANGUAGES:
            initial[f"title_{code}"] = getattr(template, f"title_{code}")
            initial[f"body_{code}"] = getattr(template, f"body_{code}")
    form = ReplyTemplateForm(request.POST or None, initial=initial, editing=template is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = reply_services.ReplyTemplateInput(
            code=template.code if template else data["code"],
            titles={code: data[f"title_{code}"] for code in LANGUAGES},
            bodies={code: data[f"body_{code}"] for code in LANGUAGES},
            position=data["position"],
            is_active=data["is_active"],
        )
        try:
            if template is None:
                saved = reply_services.reply_template_create(acting=acting, data=entry)
            else:
                saved = reply_services.reply_template_update(
                    acting=acting, template=template, data=entry, version=data["version"] or 0
                )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request, _("The saved reply is saved (version %(version)s).") % {"version": saved.version}
            )
            return redirect("helpline:reply_template_edit", pk=saved.pk)
    context = {
        "form": form,
        "template": template,
        "history": selectors.reply_template_history(acting=acting, template=template) if template else [],
    }
    return render(request, "helpline/reply_template_form.html", context, status=400 if form.errors else 200)
