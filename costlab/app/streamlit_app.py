"""The script ``costlab app`` hands to Streamlit (the installed package has no app.py)."""

from costlab.app.main import run

run()
