"""A red team's leftovers on the newest surfaces (audio seconds, one-off charges, output
paths, model ids, actuals numbers): each is one line naming what the user wrote, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

VOICE = """\
name: voice-agent
start: 2027-01
months: 2
workloads:
  - name: calls
    model: gpt-realtime
    requests_per_month: 1000
    input_tokens: 200
    output_tokens: 100
    FIELD: VALUE
"""


@pytest.mark.parametrize("field", ["input_audio_seconds", "output_audio_seconds"])
@pytest.mark.parametrize("value", ["1e15", "{low: 1, base: 2, high: 1e15}"])
def test_audio_seconds_over_the_count_limit_name_the_seconds(
    cli, tmp_path: Path, field: str, value: str
) -> None:
    # 1e15 s on gpt-realtime is 1e16 (in) or 2e16 (out) audio tokens: the error used to name
    # input_tokens / output_tokens, fields the user never wrote that big
    path = tmp_path / "voice.yaml"
    path.write_text(VOICE.replace("FIELD", field).replace("VALUE", value), encoding="utf-8")
    result = cli("forecast", str(path))
    assert result.code == 2, result.out
    assert f"workloads[0] (calls): {field}: 1,000,000,000,000,000 seconds" in result.err
    assert "COSTLAB_MAX_COUNT" in result.err and "(line 10)" in result.err


@pytest.mark.parametrize("direction", ["input", "output"])
def test_audio_seconds_options_over_the_count_limit_name_the_option(
    cli, direction: str
) -> None:
    option = f"--{direction}-audio-seconds"
    result = cli("estimate", "-m", "gpt-realtime", option, "1e15")
    assert result.code == 2
    assert result.err.startswith(f"costlab: error: {option}: 1,000,000,000,000,000 seconds")
    assert len(result.err.strip().splitlines()) == 1
