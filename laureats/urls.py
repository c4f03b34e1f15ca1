from django.urls import path

from .views import public

app_name = "laureats"

urlpatterns = [
    path("", public.home, name="home"),
    path("laureats/", public.laureate_list, name="laureate-list"),
    path("laureats/<slug:slug>/", public.LaureateDetailView.as_view(), name="laureate-detail"),
    path("organisations/", public.organisation_list, name="organisation-list"),
    path(
        "organisations/<slug:slug>/",
        public.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
]
