"""costlab dashboard: `make run` (or `streamlit run app.py`). Pages live in costlab/app/pages/."""

import streamlit as st

from costlab.app.pages import actuals, compare, forecast, planner, price_book, prompt_cost

st.set_page_config(page_title="costlab", page_icon=":material/payments:", layout="wide")

pages = [
    st.Page(
        prompt_cost.render,
        title="Prompt cost",
        icon=":material/calculate:",
        url_path="prompt-cost",
        default=True,
    ),
    st.Page(
        planner.render, title="Workload planner", icon=":material/event_note:", url_path="planner"
    ),
    st.Page(compare.render, title="Compare models", icon=":material/balance:", url_path="compare"),
    st.Page(
        forecast.render,
        title="Forecast & budget",
        icon=":material/trending_up:",
        url_path="forecast",
    ),
    st.Page(
        actuals.render,
        title="Actuals vs forecast",
        icon=":material/receipt_long:",
        url_path="actuals",
    ),
    st.Page(
        price_book.render, title="Price book", icon=":material/menu_book:", url_path="price-book"
    ),
]
st.navigation(pages).run()
