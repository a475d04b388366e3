from django.urls import path

from newsroom.pagecache import cache_for_readers

from . import views

app_name = "sections"
urlpatterns = [
    path("", cache_for_readers(views.front_page), name="front"),
    path("<slug:slug>/", cache_for_readers(views.section_detail), name="detail"),
]
