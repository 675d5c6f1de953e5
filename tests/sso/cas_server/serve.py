"""Create the test CAS server's database, register the training site's service and serve it.

CAS_TEST_DATABASE=/tmp/cas.sqlite3 python tests/sso/cas_server/serve.py PORT
"""

import os
import sys
from pathlib import Path

import django
from django.core.management import call_command

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
django.setup()
call_command("migrate", verbosity=0)
call_command("loaddata", str(Path(__file__).with_name("services.json")), verbosity=0)
call_command("runserver", f"127.0.0.1:{sys.argv[1]}", use_reloader=False)
