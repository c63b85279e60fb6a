"""The dashboard's entry: page setup and navigation over the page modules.

``app.py`` at the repository root (``make run``) and ``costlab app`` (an installed package) both
run :func:`run`; Streamlit executes the script on every interaction, so the work is in a
function, not at import.
"""

from __future__ import annotations

import streamlit as st

from costlab.app import state
from costlab.app.pages import actuals, compare, forecast, planner, price_book, prompt_cost
from costlab.app.shared import keep_inputs, sync_inputs_url
from costlab.app.workspace import render_sidebar


def run() -> None:
    st.set_page_config(page_title="costlab", page_icon=":material/payments:", layout="wide")

    pages = [
        # The start page, served at the app's root URL (so the sidebar marks it there).
        st.Page(
            prompt_cost.render,
            title="Prompt cost",
            icon=":material/calculate:",
            url_path="start",
            default=True,
        ),
        st.Page(
            planner.render,
            title="Workload planner",
            icon=":material/event_note:",
            url_path="planner",
        ),
        st.Page(
            compare.render, title="Compare models", icon=":material/balance:", url_path="compare"
        ),
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
            price_book.render,
            title="Price book",
            icon=":material/menu_book:",
            url_path="price-book",
        ),
        # "/prompt-cost" (the page's name in links and docs) opens the same page.
        st.Page(
            prompt_cost.render, title="Prompt cost", url_path="prompt-cost", visibility="hidden"
        ),
    ]
    page = st.navigation(pages)
    keep_inputs()  # pasted text, model picks and filters survive a visit to another page
    state.sync_url()  # the scenario stays in the URL after Streamlit drops it on a page switch
    render_sidebar()  # the workspace folder, when COSTLAB_WORKSPACE names one
    page.run()
    sync_inputs_url()  # the model picks stay in the URL too
