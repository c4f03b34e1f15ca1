from django.urls import path

from . import views

app_name = "laureats"

urlpatterns = [
    path("", views.home, name="home"),
    path("laureats/", views.laureate_list, name="laureate-list"),
    path("laureats/<slug:slug>/", views.LaureateDetailView.as_view(), name="laureate-detail"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
]
