"""Logs past one machine: many files, globs and datasets, in bounded chunks, on Dask or not.

``costlab actuals``, ``costlab count`` and ``costlab replay`` take folders, globs
(``logs/2026-*/*.csv``), Parquet / CSV / JSONL files and fsspec URLs (``s3://bucket/usage/``,
with the matching fsspec package installed). The inputs are cut into :class:`Chunk` s (a file,
or a byte range of a big local CSV or JSONL file that ends at a line end), and one pure function
per command turns a chunk into a small part: a usage chunk into its exact priced groups
(:func:`price_usage_chunk`), a log chunk into its re-priced groups (:func:`replay_chunk`), a text
file into its token count (:func:`count_file_chunk`). The same functions run

* **in this process**, one chunk after another (the default for inputs under
  :data:`LARGE_BYTES`; memory is one chunk plus the parts), or
* **on Dask**: a local process pool by default when the input is large, or an existing cluster
  with ``--scheduler ADDRESS`` (``tcp://10.0.0.5:8786``); each worker reads its own chunks.

Parts are combined with integer and ``Decimal`` sums (:func:`costlab.cost_frame.sum_groups`), so
both modes give the same totals to the last digit (tests/test_scale.py checks it on a
``LocalCluster``). Dask and fsspec are the ``costlab[scale]`` extra, imported only here.
"""

from costlab.scale.chunks import (
    CHUNK_BYTES,
    DATA_SUFFIXES,
    LARGE_BYTES,
    Chunk,
    choose_scheduler,
    expand_inputs,
    input_size,
    is_url,
    plan_chunks,
    read_chunk,
    run_chunks,
)
from costlab.scale.replay import Replay, ReplayPart, combine_replay, replay_chunk
from costlab.scale.text import (
    TextPart,
    batch_chunk,
    count_batch_file,
    count_file_chunk,
    count_texts,
    wants_batch_chunks,
    wants_scale,
)
from costlab.scale.usage import UsagePart, combine_usage, price_usage_chunk

__all__ = [
    "CHUNK_BYTES",
    "DATA_SUFFIXES",
    "LARGE_BYTES",
    "Chunk",
    "Replay",
    "ReplayPart",
    "TextPart",
    "UsagePart",
    "batch_chunk",
    "choose_scheduler",
    "combine_replay",
    "combine_usage",
    "count_batch_file",
    "count_file_chunk",
    "count_texts",
    "expand_inputs",
    "input_size",
    "is_url",
    "plan_chunks",
    "price_usage_chunk",
    "read_chunk",
    "replay_chunk",
    "run_chunks",
    "wants_batch_chunks",
    "wants_scale",
]
