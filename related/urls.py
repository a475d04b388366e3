from django.urls import path

from . import views

app_name = "related"
urlpatterns = [
    path("beacon/view/", views.view_beacon, name="view-beacon"),
]
