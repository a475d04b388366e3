from django.contrib import admin

from .models import Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "nav_order", "show_in_navigation"]
    list_editable = ["nav_order", "show_in_navigation"]
    list_filter = ["show_in_navigation", "parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
