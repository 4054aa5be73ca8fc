"""Client history: every saved assessment and every recorded payment, in one SQLite file.

    location    where the file is; client names: which can be one, how they match
    records     Assessment, Payment, Fired: the rows as Python values and as export JSON
    migrations  the schema, version by version
    store       History: opening, migrating, locking, reading and writing records
    transfer    export, and import with its validation
    compare     a stored assessment under other rules (rescore), two assessments (diff)
    payments    the payment log as answers for a named client (prefill, Facts, tally)
    recording   a verdict as an assessment record, and saving it

Nothing here prints, and only recording.py takes a renderer (the verdict is stored as it was
printed). Errors carry their exit code and fields: HistoryError the file's Mark, HistoryImportError
each problem, ClientNameError the rule a name breaks (its class words it in the run's language).
The commands print: commands/client_history.py the notes of `check` and `interview`,
render/history_*.py the tables.
"""

from __future__ import annotations

from clientcheck.history.compare import (
    Diff,
    FiredChange,
    Rescored,
    diff_assessments,
    fired_of,
    reevaluate,
    rescore,
    restore_answers,
)
from clientcheck.history.location import (
    DB_ENV,
    MAX_CLIENT_CHARS,
    ClientNameError,
    check_client_name,
    client_key,
    default_path,
    resolve_path,
)
from clientcheck.history.migrations import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from clientcheck.history.payments import (
    LATE_PAYMENTS,
    WORKED_BEFORE,
    Facts,
    Tally,
    facts_for,
    prefill,
    still_from_history,
    tally,
)
from clientcheck.history.recording import assessment_record, save, save_verdict
from clientcheck.history.records import Assessment, Fired, Payment, parse_stamp
from clientcheck.history.store import BUSY_TIMEOUT_S, History, HistoryError
from clientcheck.history.transfer import (
    EXPORT_SCHEMA,
    EXPORT_SCHEMAS,
    ExportRecords,
    HistoryImportError,
    ImportResult,
    export,
    import_data,
    import_records,
    read_export,
    validate_export,
)
from clientcheck.model import LATE_WINDOW_DAYS

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_S",
    "DB_ENV",
    "EXPORT_SCHEMA",
    "EXPORT_SCHEMAS",
    "LATE_PAYMENTS",
    "LATE_WINDOW_DAYS",
    "MAX_CLIENT_CHARS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "WORKED_BEFORE",
    "Assessment",
    "ClientNameError",
    "Diff",
    "ExportRecords",
    "Facts",
    "Fired",
    "FiredChange",
    "History",
    "HistoryError",
    "HistoryImportError",
    "ImportResult",
    "Payment",
    "Rescored",
    "Tally",
    "assessment_record",
    "check_client_name",
    "client_key",
    "default_path",
    "diff_assessments",
    "export",
    "facts_for",
    "fired_of",
    "import_data",
    "import_records",
    "parse_stamp",
    "prefill",
    "read_export",
    "reevaluate",
    "rescore",
    "resolve_path",
    "restore_answers",
    "save",
    "save_verdict",
    "still_from_history",
    "tally",
    "validate_export",
]
