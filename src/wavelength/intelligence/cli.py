"""``wavelength eval-triage | eval-themes | eval-duplicates``: check the claims on any CSV.

Each command prints its details, then one last line of figures that scripts can parse. Bad
input (a missing file, an unknown column, no data) ends with a one-line error and status 2.
"""

import argparse
import csv
import sys
import time
from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import (
    adjusted_rand_score,
    normalized_mutual_info_score,
    precision_recall_fscore_support,
)
from sklearn.model_selection import train_test_split

from .classifier import TextClassifier
from .duplicates import FUZZY_WEIGHT, DuplicateIndex
from .engine import TriageEngine
from .engines import CHOICES, ENV, select, text_engine
from .rules import TYPES
from .seed import seed_rows
from .themes import discover_themes

SEED = 42
TEST_SHARE = 0.2


class UsageError(Exception):
    """Bad input: reported on one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(message)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        return args.run(args)
    except (UsageError, ValueError) as error:
        # ValueError: data the models cannot use, e.g. texts with no word left after stopwords.
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(f"wavelength {argv[0] if argv else ''}: error: {message}".strip(), file=sys.stderr)
        return 2


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="wavelength", description="Evaluate triage intelligence on a CSV.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    triage = commands.add_parser("eval-triage", help="type classification, macro-F1")
    _dataset_options(triage)
    triage.add_argument(
        "--engine", choices=TRIAGE_ENGINES, default="wavelength",
        help="wavelength: the triage engine's model (word and character TF-IDF, the rules' "
        "cues); plain: word TF-IDF and logistic regression, the reference (default wavelength)",
    )  # fmt: skip
    triage.add_argument(
        "--train", choices=("split", "own"), default="split",
        help="split: learn from the dataset's training 80%%; own: learn nothing from the "
        "dataset, only from Wavelength's own items (needs --map) (default split)",
    )  # fmt: skip
    triage.add_argument(
        "--map", dest="label_map",
        help="with --train own: Wavelength type=dataset label pairs, comma-separated, e.g. "
        "'bug=problem discovery,question=information seeking,...'",
    )  # fmt: skip
    triage.set_defaults(run=eval_triage)

    themes = commands.add_parser("eval-themes", help="theme discovery against labels, NMI/ARI")
    _dataset_options(themes)
    themes.add_argument(
        "--k", type=_k_value,
        help="number of themes, or 'auto' to let the engine choose as the inbox does "
        "(default: the number of distinct labels)",
    )  # fmt: skip
    themes.add_argument("--limit", type=int, help="evaluate on a seeded sample of N rows")
    _engine_option(themes)
    themes.set_defaults(run=eval_themes)

    dups = commands.add_parser("eval-duplicates", help="duplicate ranking, top-1 and top-10")
    dups.add_argument("--reports", required=True, help="CSV of reports")
    dups.add_argument("--pairs", required=True, help="CSV of known duplicate pairs")
    dups.add_argument("--id-col", default="Issue id", help="report id column")
    dups.add_argument(
        "--text-cols", default="Summary,Description", help="comma-separated text columns"
    )
    dups.add_argument(
        "--pair-cols", default="issue_id_1,issue_id_2", help="the two id columns of a pair"
    )
    dups.add_argument(
        "--fuzzy-weight", type=float, default=FUZZY_WEIGHT,
        help=f"rapidfuzz share of the ranking score (default {FUZZY_WEIGHT}; 0: cosine only)",
    )  # fmt: skip
    _engine_option(dups)
    dups.set_defaults(run=eval_duplicates)
    return parser


def _engine_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine", choices=CHOICES,
        help=f"text engine for this run (default: {ENV}, else auto)",
    )  # fmt: skip


def _engine(args):
    """The engine this run measures: ``--engine`` when given, else the process's choice."""
    return select(args.engine) if args.engine else text_engine()


def _dataset_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", required=True, help="CSV file with a header row")
    parser.add_argument("--text-col", required=True, help="column holding the text")
    parser.add_argument("--label-col", required=True, help="column holding the label")


# reading ----------------------------------------------------------------------------------


def read_csv(path: str, columns: Sequence[str]) -> list[dict[str, str]]:
    """Rows of ``path``, after checking that every one of ``columns`` exists."""
    csv.field_size_limit(2**31 - 1)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                raise UsageError(
                    f"{path}: no column {', '.join(map(repr, missing))} "
                    f"(columns: {', '.join(header) or 'none'})"
                )
            rows = list(reader)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from error
    except (UnicodeDecodeError, csv.Error) as error:
        raise UsageError(f"{path} is not a UTF-8 CSV file: {error}") from error
    if not rows:
        raise UsageError(f"{path} has no data rows")
    return rows


def _labelled(args) -> tuple[list[str], list[str]]:
    rows = read_csv(args.dataset, [args.text_col, args.label_col])
    pairs = [
        (row[args.text_col].strip(), (row[args.label_col] or "").strip())
        for row in rows
        if (row[args.text_col] or "").strip() and (row[args.label_col] or "").strip()
    ]
    if len(pairs) < 2:
        raise UsageError(f"{args.dataset}: fewer than two rows with both text and label")
    texts, labels = zip(*pairs, strict=True)
    return list(texts), list(labels)


# eval-triage ------------------------------------------------------------------------------


def eval_triage(args) -> int:
    texts, labels = _labelled(args)
    label_map = _label_map(args, set(labels))
    counts = Counter(labels)
    rare = [label for label, n in counts.items() if n < 5]
    if len(counts) < 2 or rare:
        raise UsageError(
            "stratified evaluation needs at least two labels with 5 rows each"
            + (f" (too few: {', '.join(sorted(rare))})" if rare else "")
        )
    train_x, test_x, train_y, test_y = train_test_split(
        texts, labels, test_size=TEST_SHARE, stratify=labels, random_state=SEED
    )
    started = time.perf_counter()
    predict = _triage_model(args.engine, label_map, train_x, train_y)
    trained = time.perf_counter() - started
    predicted = predict(test_x)
    classes = sorted(counts)
    precision, recall, f1, support = precision_recall_fscore_support(
        test_y, predicted, labels=classes, zero_division=0
    )
    leaked = len(set(test_x) & set(train_x))
    print(
        f"rows={len(texts)} train={len(train_x)} test={len(test_x)} seed={SEED} "
        f"engine={args.engine} train={args.train}"
    )
    if label_map:
        print(f"trained in {trained:.1f}s on Wavelength's own items only, types mapped")
    else:
        print(f"trained in {trained:.1f}s; test texts also in training: {leaked}")
    width = max(len(c) for c in classes + ["weighted avg"])
    print(f"{'class':<{width}}  precision  recall  f1     support")
    for row in zip(classes, precision, recall, f1, support, strict=True):
        print(f"{row[0]:<{width}}  {row[1]:.3f}      {row[2]:.3f}   {row[3]:.3f}  {row[4]}")
    accuracy = float(np.mean(np.array(predicted) == np.array(test_y)))
    weighted = precision_recall_fscore_support(
        test_y, predicted, labels=classes, average="weighted", zero_division=0
    )
    print(
        f"{'weighted avg':<{width}}  {weighted[0]:.3f}      {weighted[1]:.3f}   {weighted[2]:.3f}"
    )
    print(f"accuracy={accuracy:.4f}")
    print(f"macro-F1={float(np.mean(f1)):.4f}")
    return 0


TRIAGE_ENGINES = ("wavelength", "plain")


def _label_map(args, labels: set[str]) -> dict[str, str] | None:
    """``--map`` as {Wavelength type: dataset label}, checked against both vocabularies."""
    if args.train == "split":
        if args.label_map:
            raise UsageError("--map only applies with --train own")
        return None
    if not args.label_map:
        raise UsageError("--train own needs --map: which dataset label each type stands for")
    pairs = [part.split("=", 1) for part in args.label_map.split(",") if part.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise UsageError("--map takes type=label pairs separated by commas")
    mapping = {kind.strip(): label.strip() for kind, label in pairs}
    unknown = sorted(set(mapping) - set(TYPES))
    if unknown:
        raise UsageError(f"--map: not a Wavelength type: {', '.join(unknown)}")
    missing = sorted(set(TYPES) - set(mapping))
    if missing:
        raise UsageError(f"--map: say which label stands for {', '.join(missing)}")
    foreign = sorted(set(mapping.values()) - labels)
    if foreign:
        raise UsageError(f"--map: no such label in the dataset: {', '.join(foreign)}")
    return mapping


def _triage_model(engine: str, label_map, train_x, train_y):
    """A function from texts to predicted dataset labels."""
    if label_map is None:
        model = TextClassifier(cues=engine == "wavelength", words_only=engine == "plain")
        model.fit(train_x, train_y)
        return lambda texts: [label for label, _ in model.predict_many(texts)]
    if engine == "wavelength":
        shipped = TriageEngine.shipped()
        return lambda texts: [label_map[r.type] for r in shipped.triage_many(texts)]
    own = seed_rows()
    model = TextClassifier(cues=False, words_only=True).fit(
        [text for text, _, _ in own], [kind for _, kind, _ in own]
    )
    return lambda texts: [label_map[label] for label, _ in model.predict_many(texts)]


# eval-themes ------------------------------------------------------------------------------

AUTO = "auto"


def _k_value(value: str) -> int | str:
    if value.strip().lower() == AUTO:
        return AUTO
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'auto', not {value!r}") from None


def eval_themes(args) -> int:
    texts, labels = _labelled(args)
    if args.limit is not None and args.limit < 2:
        raise UsageError("--limit must be at least 2")
    if args.limit and args.limit < len(texts):
        chosen = np.sort(np.random.default_rng(SEED).choice(len(texts), args.limit, replace=False))
        texts, labels = [texts[i] for i in chosen], [labels[i] for i in chosen]
    k = len(set(labels)) if args.k is None else args.k
    if k != AUTO and not 2 <= k <= len(texts):
        raise UsageError(f"--k must be between 2 and the number of rows ({len(texts)})")
    engine = _engine(args)
    started = time.perf_counter()
    themes = discover_themes(texts, None if k == AUTO else k, engine=engine)
    elapsed = time.perf_counter() - started
    print(
        f"rows={len(texts)} labels={len(set(labels))} themes={len(themes.names)}"
        f"{' (chosen by the engine)' if k == AUTO else ''} in {elapsed:.1f}s "
        f"({elapsed / len(texts) * 1000:.2f} ms per text); engine={engine.name}"
    )
    for theme in np.argsort(themes.sizes, kind="stable")[::-1][:10]:
        top_label, n = Counter(
            label for label, a in zip(labels, themes.assignments, strict=True) if a == theme
        ).most_common(1)[0]
        print(f"  {themes.names[theme]}  ({themes.sizes[theme]} texts; most: {top_label} {n})")
    nmi = normalized_mutual_info_score(labels, themes.assignments)
    ari = adjusted_rand_score(labels, themes.assignments)
    print(f"themes={len(themes.names)} NMI={nmi:.4f} ARI={ari:.4f}")
    return 0


# eval-duplicates --------------------------------------------------------------------------


def eval_duplicates(args) -> int:
    text_cols = [c.strip() for c in args.text_cols.split(",") if c.strip()]
    pair_cols = [c.strip() for c in args.pair_cols.split(",") if c.strip()]
    if not text_cols or len(pair_cols) != 2:
        raise UsageError("--text-cols needs a column and --pair-cols exactly two")
    reports = read_csv(args.reports, [args.id_col, *text_cols])
    pairs = read_csv(args.pairs, pair_cols)
    corpus = {}
    for row in reports:
        corpus.setdefault(row[args.id_col].strip(), "\n".join(row[c] or "" for c in text_cols))
    queries = [
        (a, b)
        for row in pairs
        for a, b in [(row[pair_cols[0]].strip(), row[pair_cols[1]].strip())]
        if a != b and a in corpus and b in corpus
        for a, b in ((a, b), (b, a))
    ]
    if not queries:
        raise UsageError("no pair has both of its reports in the reports file")
    if not 0 <= args.fuzzy_weight <= 1:
        raise UsageError("--fuzzy-weight must be between 0 and 1")
    engine = _engine(args)
    started = time.perf_counter()
    index = DuplicateIndex(
        list(corpus), list(corpus.values()), fuzzy_weight=args.fuzzy_weight, engine=engine
    )
    built = time.perf_counter() - started
    ranks = [_rank(index, corpus[query], query, twin) for query, twin in queries]
    elapsed = (time.perf_counter() - started - built) / len(queries)
    top1 = float(np.mean([r == 1 for r in ranks]))
    top10 = float(np.mean([r <= 10 for r in ranks]))
    mrr = float(np.mean([1 / r if r <= 10 else 0.0 for r in ranks]))
    print(
        f"reports={len(corpus)} pairs={len(pairs)} usable queries={len(queries)} "
        f"engine={engine.name}"
    )
    print(f"index built in {built:.2f}s; {elapsed * 1000:.1f} ms per query; MRR@10={mrr:.4f}")
    print(f"top1={top1:.4f} top10={top10:.4f}")
    return 0


def _rank(index: DuplicateIndex, text: str, query: str, twin: str) -> int:
    """Position of ``twin`` among the suggestions for ``query``; past 10 counts as a miss."""
    ids = [match.id for match in index.query(text, k=10, exclude=query)]
    return ids.index(twin) + 1 if twin in ids else 11


if __name__ == "__main__":
    sys.exit(main())
