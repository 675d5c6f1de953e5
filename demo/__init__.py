"""Demo content (`manage.py load_demo_data`) and the benchmark's data sets
(`manage.py build_scale_data`), built on top of every other app: nothing imports this."""
