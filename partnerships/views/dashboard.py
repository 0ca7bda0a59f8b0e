"""The home page and the dashboard that answers “what needs me now?”."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "partnerships/home.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "partnerships/dashboard.html", {})


urlpatterns = [
    path("", home, name="home"),
    path("dashboard/", dashboard, name="dashboard"),
]
