"""The Prompt cost page's input: pasted text, an upload (kept across page visits) or typed counts."""

from __future__ import annotations

import streamlit as st

from costlab.app.shared import (
    seed,
)
from costlab.prompt_cost import (
    TYPED,
)
from costlab.tokens import Input

EXAMPLE = """{
  "model": "gpt-4.1-mini",
  "messages": [
    {"role": "system", "content": "You are a support assistant for an online shop. Answer in at most three sentences."},
    {"role": "user", "content": "My order 10442 arrived with a cracked screen. What are my options?"}
  ],
  "max_tokens": 300
}"""


def _load_example() -> None:
    st.session_state["prompt_text"] = EXAMPLE


def _source() -> Input | str | None:
    """The one input being counted: the uploaded file while there is one, else the pasted
    text, else token counts typed by hand (:data:`TYPED`).

    Worked out afresh on every run, so removing the upload removes its results.
    """
    paste, upload, typed = st.tabs(
        [
            ":material/content_paste: Paste",
            ":material/upload_file: Upload a file",
            ":material/keyboard: Type token counts",
        ]
    )
    with paste:
        text = st.text_area(
            "Text, or a Chat Completions / Responses request body (JSON)",
            height=220,
            key="prompt_text",
            placeholder="Paste a prompt, a document, or a request body like the example below…",
        )
        st.button("Load an example request", key="prompt_example", on_click=_load_example)
    with upload:
        file = st.file_uploader(
            "Text, Markdown, CSV, JSON, code, PDF, DOCX, an image, audio or video, or an OpenAI "
            "Batch input file (.jsonl)",
            key="prompt_upload",
            on_change=_upload_changed,
        )
        kept: tuple[str, bytes] | None = st.session_state.get(KEPT_UPLOAD)
        if file is None and kept is not None:
            # The uploader forgets its file when the user visits another page; the file is
            # kept (until removed or replaced) so coming back shows the same results.
            left, right = st.columns([3, 1])
            left.caption(f"Kept from before: {kept[0]} ({len(kept[1]):,} bytes).")
            right.button("Remove", key="prompt_upload_forget", on_click=_forget_upload)
    with typed:
        st.caption(
            "The tokens of one call, when you already know them; used while nothing is pasted "
            "or uploaded."
        )
        t1, t2, t3 = st.columns(3)
        for key in ("prompt_typed_input", "prompt_typed_cached", "prompt_typed_output"):
            seed(key, 0)
        typed_input = t1.number_input(
            "Input tokens", min_value=0, step=100, key="prompt_typed_input", help="cached included"
        )
        t2.number_input(
            "of which cached",
            min_value=0,
            step=100,
            key="prompt_typed_cached",
            help="read from the prompt cache; at most the input tokens",
        )
        typed_output = t3.number_input(
            "Output tokens", min_value=0, step=50, key="prompt_typed_output"
        )
    current = (file.name, file.getvalue()) if file is not None else kept
    if current is not None:
        name, data = current
        suffix = ("." + name.rsplit(".", 1)[1].lower()) if "." in name else ""
        note = (
            " The pasted text is not counted while a file is uploaded: remove the file to count it."
            if (text or "").strip()
            else ""
        )
        st.markdown(f"**Counting: {name}**.{note}")
        return Input(name, data, suffix)
    if (text or "").strip():
        st.markdown("**Counting: pasted text**.")
        return Input("pasted text", text.encode("utf-8"), "")
    if typed_input or typed_output:
        st.markdown(f"**Counting: {TYPED}**.")
        return TYPED
    return None


#: Session key of the uploaded file kept across page visits: (name, bytes).
KEPT_UPLOAD = "prompt_kept_upload"


def _upload_changed() -> None:
    """An upload replaces the kept file; removing it (the uploader's x) forgets it."""
    file = st.session_state.get("prompt_upload")
    if file is None:
        st.session_state.pop(KEPT_UPLOAD, None)
    else:
        st.session_state[KEPT_UPLOAD] = (file.name, file.getvalue())


def _forget_upload() -> None:
    st.session_state.pop(KEPT_UPLOAD, None)
