"""The learned layer: training, saving with a version, loading, refusing a changed file,
and training only on settled labels (never a student's unsubmitted answer)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from annotator.models import Sentence, TagRevision
from annotator.services.tagging import tag_claim
from classroom.models import Membership
from classroom.services.classes import create_assignment, create_class, submit
from suggestions import model as learned
from suggestions.selectors.corpus import installation_examples
from suggestions.selectors.suggestions import suggest_text


def test_a_trained_model_is_saved_with_its_version_and_loads_back(model_dir):
    examples = learned.shipped_examples()
    model = learned.train(examples)
    path = learned.save(model)

    loaded = learned.load(path)
    assert path.parent == model_dir
    assert loaded.version == model.version
    assert loaded.version.endswith(learned.data_hash(examples)[:8])
    text = "The minister said on Monday that the bridge would reopen."
    analysis = [__import__("suggestions.cues", fromlist=["analyse"]).analyse(text)]
    assert loaded.predict(analysis) == model.predict(analysis)


def test_a_model_file_changed_after_saving_is_refused(model_dir):
    path = learned.save(learned.train(learned.shipped_examples()))
    path.write_bytes(path.read_bytes() + b"\0")

    with pytest.raises(learned.ModelFileError, match="SHA-256"):
        learned.load(path)


def test_the_suggester_uses_the_saved_model_and_follows_a_new_one(db, model_dir):
    assert learned.current().version.startswith("builtin-")

    call_command("train_suggester", "--no-installation")
    first = learned.current().version
    assert not first.startswith("builtin-")
    assert suggest_text("The ferry may be late.").model_version == first


def test_training_needs_two_labels():
    with pytest.raises(ValueError, match="two labels"):
        learned.train([learned.Example("The ferry left.", "unsourced")] * 3)


def test_a_bad_training_file_is_refused_naming_its_line(tmp_path, db):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "The ferry left.", "label": "unsourced"}\n{"text": 3}\n')
    with pytest.raises(CommandError, match="line 2"):
        call_command("train_suggester", "--file", str(bad))


def test_the_shipped_model_suggests_each_label_with_its_evidence():
    sourced = suggest_text("According to the port authority, the ferry left two hours late.")
    assert sourced.label == "sourced"
    assert sourced.cited_source == "port authority"
    assert sourced.source.vague is False
    assert "named source" in sourced.explanation
    speculation = suggest_text("The ferry could be cancelled if the storm reaches the coast.")
    assert speculation.label == "speculation"
    assert {c.phrase for c in speculation.cues} >= {"could", "if"}
    assert suggest_text("The council's fee policy is a shameful farce.").label == "opinion"
    assert suggest_text("The ferry left the harbour at noon on Tuesday.").label == "unsourced"


@pytest.fixture
def assigned(seeds, teacher, student, other_student):
    classroom = create_class(teacher=teacher, name="9B")
    for s in (student, other_student):
        Membership.objects.create(classroom=classroom, student=s, via=Membership.Via.CODE)
    assignment = create_assignment(
        classroom=classroom,
        by=teacher,
        title="Who says so?",
        due_at=timezone.now() + timedelta(days=7),
        articles=[seeds["001"]],
    )
    sentences = list(Sentence.objects.filter(article=seeds["001"], section="body")[:3])
    return assignment, sentences


def test_training_never_reads_a_students_unsubmitted_answer(assigned, student, other_student):
    assignment, (a, b, _c) = assigned
    for s in (student, other_student):
        tag_claim(sentence=a, reviewer=s, label="opinion")

    assert a.text not in {e.text for e in installation_examples()}

    submit(assignment=assignment, student=student)
    submit(assignment=assignment, student=other_student)
    # Changed after handing in: the answer handed in counts, not the change.
    tag_claim(sentence=a, reviewer=student, label="speculation")
    tag_claim(sentence=b, reviewer=student, label="speculation")
    examples = {e.text: e.label for e in installation_examples()}
    assert examples[a.text] == "opinion"
    assert b.text not in examples


def test_training_reads_teachers_tags_and_adjudications_first(assigned, teacher, student):
    assignment, (_a, b, _c) = assigned
    tag_claim(sentence=b, reviewer=teacher, label="unsourced")
    tag_claim(sentence=b, reviewer=student, label="opinion")
    submit(assignment=assignment, student=student)

    assert {e.text: e.label for e in installation_examples()}[b.text] == "unsourced"


def test_the_bot_pre_annotates_and_its_history_names_the_model(seeds, model_dir):
    article = seeds["001"]
    call_command("suggest", "--articles", str(article.pk))

    revisions = TagRevision.objects.filter(
        sentence__article=article, reviewer__username="suggester-bot"
    )
    assert revisions.count() == article.sentences.exclude(section="byline").count()
    assert {r.suggestion_version for r in revisions} == {learned.current().version}
    with pytest.raises(CommandError, match="no article with id 999999"):
        call_command("suggest", "--articles", "999999")


@pytest.mark.slow
def test_a_server_process_loads_scikit_learn_only_when_a_suggestion_is_asked_for():
    # Loading it costs every worker over a second and about 170 MB at start-up.
    probe = (
        "import sys, django; django.setup(); import config.urls; "
        "print(sorted(m for m in ('sklearn', 'scipy', 'numpy') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    assert result.stdout.strip() == "[]"
