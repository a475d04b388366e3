from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """Send the site's strict policy; let the admin keep its style attributes.

    Django's admin and the rich-text editor set `style` attributes on elements,
    so admin pages allow inline styles. Scripts stay restricted everywhere.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith("/admin/"):
            parts.replace = {
                **(parts.replace or {}),
                "style-src": [SELF, UNSAFE_INLINE],
            }
        return parts
