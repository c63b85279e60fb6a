"""What a count returns: :class:`TokenCount`, a frozen result with its breakdown and caveats."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from costlab.errors import CostlabError
from costlab.records import frozen

#: What was counted.
Kind = Literal[
    "text",
    "chat",
    "responses",
    "anthropic",
    "gemini",
    "batch",
    "image",
    "pdf",
    "docx",
    "audio",
    "video",
]


@frozen
class PartCount:
    """One line of a breakdown: a message, the tool definitions, or one request of a batch."""

    label: str
    """what this part is: ``messages[0] system``, ``tools``, a batch request's ``custom_id``"""
    input_tokens: int
    """input tokens of this part (for a batch request: of the whole request)"""
    max_output_tokens: int | None = None
    """a batch request's output limit (``max_tokens`` / ``max_completion_tokens`` /
    ``max_output_tokens``), None when it sets none"""
    line: int | None = None
    """a batch request's 1-based line in the JSONL file"""
    output_choices: int | None = None
    """a batch request's ``n`` when above 1: ``max_output_tokens`` is ``n`` times its limit,
    and the model's max output caps each of the ``n`` completions, not their sum"""
    audio_tokens: int = 0
    """a batch request's audio input tokens (part of ``input_tokens``)"""


@frozen
class TokenCount:
    """The input tokens of a text, a request body, an image, a document or a whole batch file.

    ``input_tokens`` is the total over all ``requests``; ``input_tokens / requests`` is the mean
    input of one request. ``exact`` is True only when the count follows a method that reproduces
    what the provider bills (see the README's "Token counting"); otherwise ``estimate_source``
    says what the figure rests on.
    """

    model: str
    """canonical model id from the price book"""
    encoding: str
    """tiktoken encoding used (for models without a public tokenizer: the one the ratio scales)"""
    input_tokens: int
    """input tokens over all requests"""
    exact: bool
    """whether the count is what the provider bills, by a method validated against its numbers"""
    kind: Kind
    """what was counted: text, chat, responses, batch, image, pdf, docx, audio or video"""
    requests: int = 1
    """requests counted: 1, or the good lines of a batch file"""
    max_output_tokens: int | None = None
    """output limit the request sets; for a batch, the SUM of the limits the requests set;
    None when none sets one"""
    requests_without_max_output: int = 0
    """requests that set no output limit (their bound is the model's max output)"""
    output_choices: int = 1
    """a body's ``n`` (completions asked for): ``max_output_tokens`` is ``n`` times its limit,
    and the model's max output caps each completion, not their sum"""
    estimate_source: str | None = None
    """when not exact: what the figure rests on (a ratio and its source, a method extended)"""
    parts: tuple[PartCount, ...] = ()
    """breakdown: per message (bodies) or per request (batch files)"""
    warnings: tuple[str, ...] = ()
    """things counted approximately or left out, to show next to the figure"""
    errors: tuple[CostlabError, ...] = ()
    """bad lines of a batch file (each names its line); the counts cover the good lines only"""
    source: str | None = None
    """the file counted (``-`` for stdin), when the count came from a file"""
    input_audio_tokens: int = 0
    """of the input tokens, audio (an audio file, Gemini inline audio): billed at the model's
    audio rate"""
    flags: tuple[str, ...] = ()
    """why this model's row is incomplete, for a table of many models: ``no_image_rule`` (the
    price book has no image rule for the model, so the image is not counted)"""

    @property
    def input_tokens_per_request(self) -> Decimal:
        """Mean input tokens of one request (exact: a Decimal quotient)."""
        return Decimal(self.input_tokens) / Decimal(self.requests or 1)

    def to_dict(self, *, parts: bool = True) -> dict[str, Any]:
        """JSON-ready; ``parts=False`` leaves the (possibly 50,000-line) breakdown out."""
        data: dict[str, Any] = {
            "model": self.model,
            "encoding": self.encoding,
            "input_tokens": self.input_tokens,
            "exact": self.exact,
            "kind": self.kind,
            "requests": self.requests,
            "max_output_tokens": self.max_output_tokens,
            "requests_without_max_output": self.requests_without_max_output,
            **({"output_choices": self.output_choices} if self.output_choices != 1 else {}),
            "estimate_source": self.estimate_source,
            "source": self.source,
            "warnings": list(self.warnings),
            "errors": [str(e) for e in self.errors],
            **({"flags": list(self.flags)} if self.flags else {}),
        }
        if parts:
            data["parts"] = [
                {
                    k: v
                    for k, v in vars(p).items()
                    if v is not None or (k == "max_output_tokens" and self.kind == "batch")
                }
                for p in self.parts
            ]
        return data
