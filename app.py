"""costlab dashboard: `make run` (or `streamlit run app.py`, or `costlab app DIR`).

The pages live in costlab/app/pages/; costlab/app/main.py lays out the navigation.
"""

from costlab.app.main import run

run()
