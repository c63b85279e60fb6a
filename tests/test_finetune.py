"""Fine-tuning runs priced before submission: training tokens x epochs x the training price.

Expected figures are hand computations written here, from the cookbook's counting and epochs
rule ([CB] [CB-FT] in docs/sources.md) and the price book's training prices.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from costlab.errors import CostlabError
from costlab.finetune import count_training, default_epochs, price_training
from costlab.tokens import count_chat

ON = date(2026, 11, 26)
EXAMPLES = [
    {
        "messages": [
            {"role": "system", "content": "Marv is a sarcastic chatbot."},
            {"role": "user", "content": "What's the capital of France?"},
            {"role": "assistant", "content": "Paris, as if everyone doesn't know that already."},
        ]
    },
    {
        "messages": [
            {"role": "user", "content": "Who wrote 'Romeo and Juliet'?"},
            {"role": "assistant", "content": "Some guy named William Shakespeare."},
        ]
    },
]


def _file(tmp_path: Path, examples: list[dict[str, object]], name: str = "train.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(e) for e in examples) + "\n")
    return path


@pytest.mark.parametrize(
    ("examples", "epochs"),
    [(1, 25), (2, 25), (10, 10), (33, 3), (34, 3), (8333, 3), (8334, 2), (25_001, 1)],
)
def test_default_epochs_rule(examples: int, epochs: int) -> None:
    # 3 epochs unless examples x 3 < 100 (then 100 // n, at most 25) or > 25,000
    # (then 25,000 // n, at least 1)
    assert default_epochs(examples) == epochs


def test_training_cost_by_hand(tmp_path: Path) -> None:
    text = _file(tmp_path, EXAMPLES).read_text()
    counted = count_training(text, model="gpt-4.1-mini")
    # each example counts as its chat body does (3 per message + 3 priming, o200k_base)
    per_example = [count_chat(e, model="gpt-4.1-mini").input_tokens for e in EXAMPLES]
    assert counted.examples == 2 and counted.tokens == sum(per_example)
    cost = price_training(counted, epochs=4, on=ON)
    # tokens x 4 epochs x $5.00 per 1M (gpt-4.1-mini training price)
    assert cost.training_tokens == 4 * sum(per_example)
    assert cost.total_cost == Decimal(4 * sum(per_example)) * Decimal("5.00") / 10**6
    default = price_training(counted, on=ON)
    assert default.epochs == 25 and default.epochs_default and "cookbook" in default.notes[0]


def test_hourly_method(tmp_path: Path) -> None:
    counted = count_training(_file(tmp_path, EXAMPLES).read_text(), model="o4-mini")
    # o4-mini reinforcement fine-tuning: 2.5 h x $100/h = $250
    cost = price_training(counted, hours=Decimal("2.5"), on=ON)
    assert cost.total_cost == Decimal("250")
    with pytest.raises(CostlabError, match="give hours"):
        price_training(counted, on=ON)


def test_estimate_a_training_file_from_the_cli(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _file(tmp_path, EXAMPLES)
    validation = _file(tmp_path, EXAMPLES[:1], "valid.jsonl")
    result = cli(
        "estimate",
        str(path),
        "--epochs",
        "3",
        "--validation",
        str(validation),
        "--date",
        "2026-11-26",
        "--json",
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    tokens = sum(count_chat(e, model="gpt-4.1-mini").input_tokens for e in EXAMPLES)
    assert data["training_tokens"] == 3 * tokens
    assert Decimal(data["total_cost"]) == Decimal(3 * tokens) * 5 / 10**6
    assert data["validation_tokens"] == count_chat(EXAMPLES[0], model="gpt-4.1-mini").input_tokens
    text = cli("estimate", str(path), "--date", "2026-11-26")
    assert text.code == 0 and "25 epochs" in text.out and "cookbook" in text.out


def test_bad_lines_are_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "train.jsonl"
    path.write_text(json.dumps(EXAMPLES[0]) + '\n{"prompt": 1}\n')
    result = cli("estimate", str(path), "--date", "2026-11-26")
    assert result.code == 2 and "line 2" in result.err
    assert "1 examples" in result.out or "on 1 example" in result.out


def test_count_points_a_training_file_to_estimate(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("count", str(Path(__file__).parent / "data" / "finetune_example.jsonl"))
    assert result.code == 2 and "costlab estimate FILE` prices the training run" in result.err


def test_a_batch_file_is_not_read_whole_to_see_whether_it_trains(
    cli, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Found measuring a 1 GB batch file: estimate read every .jsonl whole (2.9 GB RSS) just to
    sniff for a fine-tuning file. Only the first line is read for that now; the batch count
    then streams a big file in chunks."""
    import json

    import costlab.tokens.files as files

    body = {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "Hi"}]}
    line = {"custom_id": "r1", "method": "POST", "url": "/v1/chat/completions", "body": body}
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps(line) + "\n")
    whole_reads: list[str] = []
    real = files.read_input

    def spy(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        whole_reads.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(files, "read_input", spy)
    from costlab.cli._training import training_text

    parser_args = type("Args", (), {"path": str(batch), "epochs": None, "validation": None,
                                    "training_hours": None})()  # fmt: skip
    assert training_text(parser_args) is None
    assert whole_reads == []
    train = tmp_path / "train.jsonl"
    train.write_text(json.dumps({"messages": body["messages"]}) + "\n")
    parser_args.path = str(train)
    assert training_text(parser_args) is not None
    assert whole_reads == [str(train)]
