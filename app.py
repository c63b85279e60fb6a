"""costlab dashboard: `make run` (or `streamlit run app.py`). Pages live in costlab/app/pages/."""

import streamlit as st

from costlab.app.pages import price_book

st.set_page_config(page_title="costlab", page_icon="💲", layout="wide")

pages = [
    st.Page(price_book.render, title="Price book", icon="📒", url_path="price-book"),
]
st.navigation(pages).run()
