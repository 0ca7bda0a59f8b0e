"""LearnHub's URLs plus the naive baseline's evidence list (benchmarks only)."""

from django.urls import include, path

from bench.naive import NaiveEvidenceListView

urlpatterns = [
    path(
        "bench/naive/partnerships/<id:pk>/evidence/",
        NaiveEvidenceListView.as_view(),
        name="bench-naive-evidence",
    ),
    path("", include("learnhub.urls")),
]
