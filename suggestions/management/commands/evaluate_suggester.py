"""Figures of the label suggester: accuracy, per-label precision/recall/F1, macro-F1,
the confusion matrix, and how often the cited source is exact."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from sklearn.model_selection import StratifiedKFold

from suggestions import model as learned
from suggestions.evaluation import report, score
from suggestions.selectors.corpus import installation_examples
from suggestions.selectors.suggestions import suggest


class Command(BaseCommand):
    help = (
        "Evaluate the label suggester: on a labelled JSONL file (--file, with the model in "
        "use), or by cross-validation on this installation's settled claims."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", help="A labelled JSONL file: text, label, cited_source.")
        parser.add_argument("--folds", type=int, default=5, help="Cross-validation folds.")

    def handle(self, *args, **options):
        if options["file"]:
            try:
                examples = learned.read_jsonl(options["file"])
            except (OSError, ValueError) as exc:
                raise CommandError(f"{options['file']}: {exc}") from None
            model = learned.current()
            found = suggest([(None, e.text, 0) for e in examples], suggester=model)
            self.stdout.write(f"model {model.version} on {options['file']}")
            self.stdout.write(report(score(examples, found)))
            return
        examples = installation_examples()
        labels = [e.label for e in examples]
        folds = options["folds"]
        smallest = min((labels.count(label) for label in set(labels)), default=0)
        if len(set(labels)) < 2 or smallest < folds:
            raise CommandError(
                f"cross-validation needs at least {folds} settled claims of each of two "
                f"labels or more; this installation has {len(examples)}. Use --file."
            )
        predicted: list = [None] * len(examples)
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
        for train_idx, test_idx in splitter.split(examples, labels):
            model = learned.train(
                learned.shipped_examples() + [examples[i] for i in train_idx], version="cv"
            )
            found = suggest([(None, examples[i].text, 0) for i in test_idx], suggester=model)
            for i, suggestion in zip(test_idx, found, strict=True):
                predicted[i] = suggestion
        self.stdout.write(f"{folds}-fold cross-validation on {len(examples)} settled claims")
        self.stdout.write(report(score(examples, predicted)))
