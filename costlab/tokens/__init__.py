"""Token counting: exact and offline for OpenAI models, labelled estimates for the rest.

Everything a user pastes can be counted: plain text of any size, Chat Completions, Responses,
Anthropic Messages and Gemini generateContent request bodies (messages, tools, images), images,
PDF and DOCX text, and whole batch input files of the three providers. Each count is a :class:`TokenCount` that says whether it is exact and, when not,
what it rests on. The model -> encoding mapping comes from the price book only.

>>> count_text("tiktoken is great!", model="gpt-4o").input_tokens
6
>>> count_path("tests/data/cookbook_chat_example.json", model="gpt-4o").input_tokens  # doctest: +SKIP
124

This package imports no pandas, plotly or streamlit, and tiktoken only when a count needs it.
"""

from __future__ import annotations

from costlab.tokens.api import (
    body_format,
    count_anthropic,
    count_body,
    count_chat,
    count_for_models,
    count_gemini,
    count_image,
    count_input,
    count_path,
    count_responses,
    count_text,
)
from costlab.tokens.batch import count_batch
from costlab.tokens.encodings import get_encoding
from costlab.tokens.files import Input
from costlab.tokens.images import Detail, image_tokens, parse_size
from costlab.tokens.result import Kind, PartCount, TokenCount
from costlab.tokens.text import text_tokens
from costlab.tokens.tokenizer import DEFAULT_MODEL, Tokenizer, tokenizer_for

__all__ = [
    "DEFAULT_MODEL",
    "Detail",
    "Input",
    "Kind",
    "PartCount",
    "TokenCount",
    "Tokenizer",
    "body_format",
    "count_anthropic",
    "count_batch",
    "count_body",
    "count_chat",
    "count_for_models",
    "count_gemini",
    "count_image",
    "count_input",
    "count_path",
    "count_responses",
    "count_text",
    "get_encoding",
    "image_tokens",
    "parse_size",
    "text_tokens",
    "tokenizer_for",
]
