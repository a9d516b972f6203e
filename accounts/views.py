from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import excel, two_factor
from accounts.access import get_person_for_user, get_regulation_for_user, get_unit_for_user, scope_for
from accounts.forms import ImportForm, OneTimeCodeForm
from accounts.language import supported
from accounts.models import Language, Organisation, Unit
from accounts.selectors import (
    person_choices_for_user,
    person_list_for_user,
    roles_of,
    unit_children_with_counts,
    unit_list_for_user,
)
from core.files import stored_file_response
from core.pagination import paginate, query_without_page
from core.xlsx import xlsx_download


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
@require_GET
def unit_list(request):
    search = request.GET.get("q", "").strip()[:100]
    page = paginate(request, unit_list_for_user(request.user, search=search))
    context = {"page": page, "q": search, "query": query_without_page(request)}
    template = "accounts/unit_list.html#rows" if request.htmx else "accounts/unit_list.html"
    return render(request, template, context)


@login_required
@require_GET
def unit_detail(request, pk):
    unit = get_unit_for_user(request.user, pk)
    scope = scope_for(request.user)
    search = request.GET.get("q", "").strip()[:100]
    page = paginate(request, person_list_for_user(request.user, unit=unit, search=search))
    context = {
        "unit": unit,
        "ancestors": [a for a in Unit.objects.get_ancestors(unit) if scope.can_read_unit(a)],
        "children": unit_children_with_counts(request.user, unit),
        "page": page,
        "q": search,
        "query": query_without_page(request),
    }
    return render(request, "accounts/unit_detail.html", context)


@login_required
@require_GET
def person_list(request):
    search = request.GET.get("q", "").strip()[:100]
    page = paginate(request, person_list_for_user(request.user, search=search))
    context = {"page": page, "q": search, "query": query_without_page(request)}
    template = "accounts/person_list.html#rows" if request.htmx else "accounts/person_list.html"
    return render(request, template, context)


@login_required
@require_GET
def person_search(request):
    """Answers of a person search box (accounts.widgets.PersonPicker): people the user may see,
    within the `within` unit's subtree when given (a task's lead comes from the assigning unit)."""
    name = request.GET.get("name", "")
    if not name.replace("-", "").replace("_", "").isalnum():
        name = "person"
    within = request.GET.get("within")
    unit = get_unit_for_user(request.user, within) if within else None
    search = request.GET.get("q", "").strip()[:100]
    people = person_choices_for_user(request.user, search=search, within=unit)
    return render(request, "accounts/_person_choices.html", {"people": people, "q": search, "name": name})


@login_required
@require_GET
def person_detail(request, pk):
    person = get_person_for_user(request.user, pk)
    context = {"person": person, "roles": roles_of(person), "languages": Language.choices}
    return render(request, "accounts/person_detail.html", context)


def _require_admin(user):
    scope = scope_for(user)
    if not scope.is_admin:
        raise Http404
    return scope


def _admin_organisations(user):
    scope = _require_admin(user)
    organisations = Organisation.objects.order_by("name")
    return organisations if scope.is_superuser else organisations.filter(pk__in=scope.admin_org_ids)


@login_required
@require_http_methods(["GET", "POST"])
def import_people(request):
    organisations = _admin_organisations(request.user)
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, organisations=organisations)
        if form.is_valid():
            result = excel.import_units_and_people(
                form.cleaned_data["file"], organisation=form.cleaned_data["organisation"], acting_user=request.user
            )
            if result.ok:
                messages.success(request, _("Import finished: nothing was written twice."))
            else:
                messages.error(request, _("The file has errors. Nothing was imported; fix them and try again."))
    else:
        form = ImportForm(organisations=organisations)
    return render(request, "accounts/import.html", {"form": form, "result": result})


@login_required
@require_GET
def import_template(request):
    _require_admin(request.user)
    return xlsx_download(excel.template_workbook_bytes(), "mau-nhap-don-vi-can-bo.xlsx")


@require_POST
def set_language(request):
    """The language switcher: Django's set_language (cookie, redirect), and for a signed-in person
    the choice is kept on their profile, which is what decides the language of their pages."""
    response = i18n_views.set_language(request)
    language = supported(request.POST.get("language"))
    if language and request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


@login_required
def profile_redirect(request):
    return redirect("accounts:person_detail", pk=request.user.pk)


# -- two-step sign-in -------------------------------------------------------------------------


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def _code_accepted(request, form, device) -> bool:
    """A well-formed code the device accepts (the session is then verified); otherwise the
    reason is on the form's code field."""
    if not form.is_valid():
        return False
    try:
        two_factor.check_code(request, device, form.cleaned_data["code"])
    except two_factor.CodeRejected as rejected:
        form.add_error("code", str(rejected))
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': _next_url(request)})}")
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = OneTimeCodeForm(request.POST or None)
    if _code_accepted(request, form, device):
        return redirect(_next_url(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = request.user
    if two_factor.has_device(user):
        # Replacing a device needs the old one (or an administrator's reset): a stolen password
        # alone must not be enough to enrol the thief's phone.
        return redirect("accounts:two_factor" if user.is_verified() else "accounts:two_factor_verify")
    device = two_factor.pending_device(request)  # this session's own key, not written until confirmed
    form = OneTimeCodeForm(request.POST or None)
    if _code_accepted(request, form, device):
        messages.success(request, _("Two-step sign-in is on. From now on you will be asked for a code at each sign-in."))
        return redirect(_next_url(request))
    context = {
        "form": form,
        "next": _next_url(request),
        "enrolment": two_factor.enrolment(device),
        "required": two_factor.second_factor_required(user),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@require_GET
def two_factor_settings(request):
    user = request.user
    context = {
        "device": two_factor.confirmed_device(user),
        "required": two_factor.second_factor_required(user),
        "form": OneTimeCodeForm(),
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
@require_POST
def two_factor_off(request):
    user = request.user
    device = two_factor.confirmed_device(user)
    if device is None:
        return redirect("accounts:two_factor")
    if two_factor.second_factor_required(user):
        messages.error(request, _("Your roles require two-step sign-in; it cannot be turned off."))
        return redirect("accounts:two_factor")
    form = OneTimeCodeForm(request.POST)
    if _code_accepted(request, form, device):  # proves the phone is at hand
        two_factor.turn_off(request)
        messages.success(request, _("Two-step sign-in is off."))
        return redirect("accounts:two_factor")
    context = {"device": device, "required": False, "form": form}
    return render(request, "accounts/two_factor.html", context, status=400)


@login_required
@require_GET
def regulation_file(request, pk):
    """The text of one of the organisation's own regulations (404 outside it, or without a file)."""
    regulation = get_regulation_for_user(request.user, pk)
    if not regulation.file:
        raise Http404
    return stored_file_response(regulation.file, regulation.file.name.rsplit("/", 1)[-1])
