"""Question-bank files: parse XLSX/CSV templates and Moodle GIFT/Aiken text, and write them back."""
