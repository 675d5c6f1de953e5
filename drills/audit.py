"""Every change to a drill scenario is in the audit log the auditor reads (audit.history)."""

from audit.history import history_auditor

from .models import Scenario

drills_history_audit = history_auditor({Scenario: "drill scenario"})
