"""The shared page plumbing: service errors land on the form, refusals become pages."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from learnhub.errors import Conflict, Forbidden
from learnhub.forms import service_errors_to
from learnhub.pages import refusal_page


class NameForm(forms.Form):
    name = forms.CharField()


def _bound() -> NameForm:
    form = NameForm({"name": "Riverside"})
    assert form.is_valid()
    return form


def test_a_service_field_error_lands_on_that_field_and_answers_400():
    form = _bound()
    with service_errors_to(form) as call:
        raise ValidationError({"name": ["That name is taken."], "other": ["Not a field here."]})
    assert call.failed
    assert call.status == 400
    assert form.errors["name"] == ["That name is taken."]
    assert form.non_field_errors() == ["Not a field here."]


def test_where_maps_service_fields_to_form_fields():
    form = _bound()
    with service_errors_to(form, where=lambda name: "name" if name == "title" else None) as call:
        raise ValidationError({"title": ["Give it a title."]})
    assert call.status == 400
    assert form.errors["name"] == ["Give it a title."]


def test_a_conflict_goes_on_the_form_with_its_own_status():
    form = _bound()
    with service_errors_to(form) as call:
        raise Conflict("The partnership is closed.")
    assert call.failed
    assert call.status == 409
    assert form.non_field_errors() == ["The partnership is closed."]


def test_success_leaves_the_form_clean():
    form = _bound()
    with service_errors_to(form) as call:
        pass
    assert not call.failed
    assert call.status == 200
    assert not form.errors


def test_a_refusal_is_not_swallowed_by_the_form():
    form = _bound()
    with pytest.raises(Forbidden), service_errors_to(form):
        raise Forbidden("Only admins can do this.")
    assert not form.errors


@pytest.mark.django_db
def test_refusal_page_signs_in_first_and_shows_the_reason_with_status_403(django_user_model):
    @refusal_page("consent/forbidden.html", context=lambda refusal: {"extra": refusal.message})
    def page(request, partnership_pk):
        raise Forbidden("Only the party’s admins can give its consent.")

    factory = RequestFactory()
    anonymous = factory.get("/somewhere/")
    anonymous.user = AnonymousUser()
    assert page(anonymous, partnership_pk=7).status_code == 302

    signed_in = factory.get("/somewhere/")
    signed_in.user = django_user_model.objects.create_user(
        email="ada@example.org", password="a long pass phrase 2026"
    )
    response = page(signed_in, partnership_pk=7)
    assert isinstance(response, HttpResponse)
    assert response.status_code == 403
    body = response.content.decode()
    assert "Only the party’s admins can give its consent." in body
    assert reverse("consent:consent-overview", args=[7]) in body
    assert "Only the party’s admins can give its consent." in body
