"""The learned layer: a linear model (scikit-learn's logistic regression) on word n-grams
of a sentence plus the cue layer's features, trained on labelled claims.

A trained model is saved with its version as one joblib file under
`SUGGESTER_MODEL_DIR` (`suggester.joblib`), beside a `.sha256` of its bytes that is
checked before the file is unpickled: a file changed since it was written is refused.
Without a saved model the suggester trains one in memory from the labelled file shipped
with the app (suggestions/data/training.jsonl), once per process: nothing is
downloaded, ever.

scikit-learn, SciPy, NumPy and joblib are imported where a model is built, trained, used
or stored, not with this module: the URL conf imports it, and loading them costs every
server process over a second and about 170 MB before anyone asks for a suggestion."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from annotator.models import Label
from suggestions import lexicons
from suggestions.cues import FAMILIES, Analysis, analyse, scores

TRAINING_FILE = Path(__file__).with_name("data") / "training.jsonl"
FILE_NAME = "suggester.joblib"
LABELS = list(Label.values)
FORMAT = 2  # of the saved file; a file of another format is not loaded


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str
    cited_source: str = ""


def read_jsonl(path: Path | str) -> list[Example]:
    """Labelled sentences from a JSON Lines file: {"text", "label", "cited_source"?}
    a line. Raises ValueError naming the line for anything else."""
    examples = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {number}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise ValueError(f'line {number}: needs a "text" string')
            if record.get("label") not in LABELS:
                raise ValueError(f"line {number}: label must be one of {', '.join(LABELS)}")
            examples.append(
                Example(record["text"], record["label"], str(record.get("cited_source") or ""))
            )
    return examples


def cue_features(analysis: Analysis) -> list[float]:
    """The cue layer's reading of a sentence as numbers: per family, the cues that speak
    for the author (strong and weak apart), those governed by an attribution or quoted,
    the negated attributions; whether a source was found and is vague; the cue scores."""
    strong = dict.fromkeys(FAMILIES, 0.0)
    weak = dict.fromkeys(FAMILIES, 0.0)
    reported = dict.fromkeys(FAMILIES, 0.0)
    negated = 0.0
    for cue in analysis.cues:
        if cue.counts:
            (weak if cue.weak else strong)[cue.family] += 1
        elif cue.family == "attribution":
            negated += 1
        else:
            reported[cue.family] += 1
    source = analysis.source
    totals = scores(analysis)
    return [
        *(min(v, 3.0) for v in strong.values()),
        *(min(v, 3.0) for v in weak.values()),
        *(min(v, 3.0) for v in reported.values()),
        negated,
        float(source is not None),
        float(source is not None and source.vague),
        *(min(totals[label], 3.0) for label in LABELS),
    ]


_TIME = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|june|july|august|september|october|november|december|yesterday|today|tonight|"
    r"overnight|last (?:week|month|year)|(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:i|we|our|us|my|me)\b", re.IGNORECASE)
_ADJECTIVE = re.compile(r"\b\w{3,}(?:ous|ive|ful|able|ible|less|ic|ical|ant|ent)\b", re.IGNORECASE)
_COPULA_JUDGEMENT = re.compile(
    r"\b(?:is|are|was|were|has been|have been|remains?|seems?|becomes?|became)\s+"
    r"(?:a|an|the|nothing|no|not|more|less|most|little|far|too|so|very|quite|perfectly|"
    r"deeply|simply|clearly|long)\b",
    re.IGNORECASE,
)


def style_features(text: str) -> list[float]:
    """What reporting sounds like against what judging sounds like, beyond the lexicons:
    numbers, dates and names (reports of events carry them), first person, adjectives by
    their endings, "X is a …" verdicts."""
    words = text.split()
    n = max(len(words), 1)
    capitals = sum(1 for w in words[1:] if w[:1].isupper())
    return [
        float(any(c.isdigit() for c in text)),
        float(bool(_TIME.search(text))),
        min(capitals / n * 3, 1.0),
        float(bool(_FIRST_PERSON.search(text))),
        min(len(_ADJECTIVE.findall(text)) / n * 5, 1.0),
        float(bool(_COPULA_JUDGEMENT.search(text))),
        min(n / 40, 1.0),
    ]


class Suggester:
    """A trained model: `predict` gives each sentence's label probabilities."""

    def __init__(self, *, version: str, trained_on: int, data_hash: str) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.version = version
        self.trained_on = trained_on
        self.data_hash = data_hash
        self.vectorizer = TfidfVectorizer(
            ngram_range=(1, 2), min_df=1, sublinear_tf=True, lowercase=True, max_features=200_000
        )
        self.classifier = LogisticRegression(C=8.0, max_iter=2000)
        self.cue_weight = 1.0

    def _matrix(self, texts: Sequence[str], analyses: Sequence[Analysis], *, fit: bool):
        import numpy as np
        from scipy import sparse

        words = self.vectorizer.fit_transform(texts) if fit else self.vectorizer.transform(texts)
        cues = sparse.csr_matrix(
            np.array([cue_features(a) + style_features(a.text) for a in analyses], dtype=float)
        )
        return sparse.hstack([words, cues * self.cue_weight], format="csr")

    def fit(self, examples: Sequence[Example]) -> Suggester:
        from threadpoolctl import threadpool_limits

        texts = [e.text for e in examples]
        analyses = [analyse(t) for t in texts]
        matrix = self._matrix(texts, analyses, fit=True)
        # One thread: BLAS's own threads fight over the cores a web server shares (a
        # 40-fold slowdown measured on two busy cores), and the problem is small.
        with threadpool_limits(1):
            self.classifier.fit(matrix, [e.label for e in examples])
        return self

    def predict(self, analyses: Sequence[Analysis]) -> list[dict[str, float]]:
        """Label probabilities for each analysed sentence."""
        if not analyses:
            return []
        matrix = self._matrix([a.text for a in analyses], analyses, fit=False)
        classes = list(self.classifier.classes_)
        rows = self.classifier.predict_proba(matrix)  # a sparse product: no BLAS threads
        column = {label: classes.index(label) for label in LABELS if label in classes}
        return [
            {label: float(row[column[label]]) if label in column else 0.0 for label in LABELS}
            for row in rows
        ]


def data_hash(examples: Iterable[Example]) -> str:
    sha = hashlib.sha256()
    for e in examples:
        sha.update(json.dumps([e.text, e.label, e.cited_source]).encode())
    sha.update(lexicons.digest().encode())
    sha.update(f"format {FORMAT}".encode())  # the features a model reads
    return sha.hexdigest()


def train(examples: Sequence[Example], *, version: str | None = None) -> Suggester:
    """A model trained on `examples`. Its version is the training time and a hash of the
    data and lexicons, unless given."""
    digest = data_hash(examples)
    if version is None:
        version = f"{datetime.now(UTC):%Y%m%d%H%M%S}-{digest[:8]}"
    if len({e.label for e in examples}) < 2:
        raise ValueError("training needs sentences of at least two labels")
    return Suggester(version=version, trained_on=len(examples), data_hash=digest).fit(examples)


def shipped_examples() -> list[Example]:
    """The labelled sentences shipped with the app."""
    return read_jsonl(TRAINING_FILE)


# --- saving and loading ------------------------------------------------------------


def model_dir() -> Path:
    return Path(settings.SUGGESTER_MODEL_DIR)


def model_path() -> Path:
    return model_dir() / FILE_NAME


def save(model: Suggester, path: Path | None = None) -> Path:
    """Write the model and the SHA-256 of its file (written last, so that a half-written
    model is never taken for a whole one)."""
    import joblib
    import sklearn

    path = path or model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    joblib.dump(
        {"format": FORMAT, "sklearn": sklearn.__version__, "model": model}, temporary, compress=3
    )
    digest = hashlib.sha256(temporary.read_bytes()).hexdigest()
    temporary.replace(path)
    path.with_suffix(path.suffix + ".sha256").write_text(digest + "\n", encoding="utf-8")
    return path


class ModelFileError(Exception):
    """A saved model that cannot be used: changed since it was written, or of another
    format or scikit-learn version."""


def load(path: Path | None = None) -> Suggester:
    """The model saved at `path` (by default the configured one), after checking its
    SHA-256. Raises FileNotFoundError, or ModelFileError."""
    import joblib
    import sklearn

    path = path or model_path()
    data = path.read_bytes()
    try:
        expected = path.with_suffix(path.suffix + ".sha256").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no .sha256 beside it; train it again") from None
    if hashlib.sha256(data).hexdigest() != expected:
        raise ModelFileError(f"{path}: its SHA-256 does not match; train it again")
    saved = joblib.load(path)
    if saved.get("format") != FORMAT or saved.get("sklearn") != sklearn.__version__:
        raise ModelFileError(
            f"{path}: saved with format {saved.get('format')} and scikit-learn "
            f"{saved.get('sklearn')}; train it again"
        )
    return saved["model"]


_lock = threading.Lock()
_current: dict[str, object] = {}


def current() -> Suggester:
    """The model in use: the saved one (reloaded when its file changes), else one trained
    from the shipped file, once per process."""
    path = model_path()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = None
    with _lock:
        if _current.get("key") != (str(path), stamp):
            model = None
            if stamp is not None:
                try:
                    model = load(path)
                except ModelFileError:
                    model = None
            if model is None:
                model = _builtin_locked()
            _current.update(key=(str(path), stamp), model=model)
        return _current["model"]  # type: ignore[return-value]


def builtin() -> Suggester:
    """The model trained on the shipped file alone, once per process: it has seen none of
    this installation's tags (see `suggestions.permissions` for who gets it)."""
    with _lock:
        return _builtin_locked()


def _builtin_locked() -> Suggester:
    if "builtin" not in _current:
        examples = shipped_examples()
        _current["builtin"] = train(examples, version=f"builtin-{data_hash(examples)[:8]}")
    return _current["builtin"]  # type: ignore[return-value]


def forget() -> None:
    """Drop the model held in memory (tests, and after training)."""
    with _lock:
        _current.clear()
