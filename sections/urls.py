from django.urls import path

from . import views

app_name = "sections"
urlpatterns = [
    path("", views.front_page, name="front"),
    path("<slug:slug>/", views.section_detail, name="detail"),
]
