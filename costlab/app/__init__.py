"""The Streamlit dashboard: the only package in costlab that imports streamlit.

One module per page, each with a ``render()`` that calls the library and lays out its results;
``shared`` holds the cached price book, colours, formatting and error display. ``app.py`` at
the repository root is the entry point (``st.navigation`` over :data:`PAGES`).
"""
