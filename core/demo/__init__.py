"""Demo content for `manage.py load_demo_data`, built through each app's services."""
