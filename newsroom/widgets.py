"""Admin form widgets shared by the apps."""

from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils import timezone


class ZonedSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs, with the newsroom's time zone named
    beside them: times are entered and shown in that zone, whatever the
    editor's computer says.

    Use it for every date-time field an editor sets, e.g. in a ModelAdmin's
    ``formfield_overrides = {models.DateTimeField: {"widget": ZonedSplitDateTime}}``.
    """

    template_name = "admin/widgets/zoned_split_datetime.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["time_zone"] = timezone.get_current_timezone_name()
        return context
