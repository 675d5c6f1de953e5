"""Events certificates sends from its services, inside the transaction of the change."""

from django.dispatch import Signal

# A completed course has been looked at for the curricula listing it, and a certificate issued
# for each one it completed: `user`, `course`, `issued` (the new certificates, maybe none). The
# completion of a course reaches HR's records through this event, after its certificates.
course_certified = Signal()
# HR revoked or re-issued a certificate: `certificate` (the one changed; a re-issue's new one).
certificate_changed = Signal()
