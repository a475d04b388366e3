"""`make bench`: load tests of the public pages against the framework's own limit.

See docs/performance.md. Nothing here is imported by the site itself.
"""
