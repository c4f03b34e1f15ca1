"""The owner of derived data: the columns kept on a row but computed from other rows.

Its job: declare each derived column once, with the inputs it is computed from and the
function that computes it (columns.py); recompute them for one row or for all of them (of the
laureates, the organisations and the resources)
and compare them with what is stored (rows.py, rebuild.py); and rebuild those of the rows that
any write touched, whoever writes and however (receivers.py, pending.py). Nothing else writes
these columns: receivers, bulk writers (load_real_data, generate_synthetic, the import) and
migrations call this package, and `manage.py check_derived` reports the rows that differ.

It may import Django, `laureats.models` (with its completeness rules and facet bits),
`laureats.text.search`, `laureats.text.folding` and `laureats.text.ordering`; nothing it imports may import it.
The models announce their bulk writes with a signal (models/writes.py) rather than call it,
and LaureatsConfig.ready() connects its receivers.

The public calls:
- `batch()`: a context in which the writes' rebuilds wait until its end, then run once, in bulk;
- `rebuild(laureates, organisations, resources)`: rewrite the derived columns of these rows
  (ids) that differ from their recomputation; `rebuild(None, None, None)`, every row;
- `note(laureates, organisations, resources)`: these rows were written where no signal tells
  (raw SQL): rebuilt at once, or at the end of the batch;
- `check()`: compare every derived column of every row, without writing: the Report of the
  rows that differ.
"""

from .columns import COLUMNS
from .pending import batch, note
from .rebuild import Report, check, rebuild

__all__ = ["COLUMNS", "Report", "batch", "check", "note", "rebuild"]
