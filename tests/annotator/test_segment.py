"""Sentence segmentation: what reviewers see as one sentence, on news text and on the seeds."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.text.segment import Span, split_sentences

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def sentences(text: str) -> list[str]:
    return [text[span.start : span.end] for span in split_sentences(text)]


def read_seed(number: str) -> str:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8")


def assert_invariants(text: str) -> list[Span]:
    """Check every promise of ``split_sentences`` on ``text`` and return its spans."""
    spans = split_sentences(text)
    # Paragraph of each line: how many non-blank lines come before it.
    paragraph_of_line = []
    non_blank = 0
    for line in re.split(LINE_BREAK, text):
        paragraph_of_line.append(non_blank)
        if blank(line) is False:
            non_blank += 1
    previous_end = 0
    for span in spans:
        assert isinstance(span, Span)
        assert previous_end <= span.start < span.end <= len(text)
        gap = text[previous_end : span.start]
        assert blank(gap), f"{gap!r} is in no sentence"
        piece = text[span.start : span.end]
        assert blank(piece[0]) is False and blank(piece[-1]) is False, piece
        assert not re.search(LINE_BREAK, piece), piece
        line = len(re.findall(LINE_BREAK, text[: span.start]))
        assert span.paragraph == paragraph_of_line[line]
        previous_end = span.end
    tail = text[previous_end:]
    assert blank(tail), f"{tail!r} is in no sentence"
    return spans


LINE_BREAK = "[\n\u2028\u2029]"
# Zero-width and direction marks: invisible, so they count as blank.
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\u2066\u2067\u2068\u2069\u061c\ufeff"


def blank(piece: str) -> bool:
    """Whether `piece` holds nothing but whitespace and invisible characters."""
    return all(c.isspace() or c in INVISIBLE for c in piece)


# --- What must stay inside one sentence ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. and the U.K. backed the U.N. resolution on Monday.",
        "Lt. Col. Smith met Gen. Jones and Maj. Brown near the base.",
        "Sgt. Lee, Col. Ahmed and Dr. Khan arrived with Prof. Adams.",
        "Mr. and Mrs. Smith met Ms. Jones at St. Paul's Cathedral.",
        "Sen. Graham, Rep. Cole and Gov. Abbott spoke on Jan. 5 and Feb. 12.",
        "It happened on Aug. 14, Sept. 3, Oct. 9, Nov. 1 and Dec. 25.",
        "The talks began at 9 a.m. and ended at 5 p.m. on Friday.",
        "The convoy left at 6 a.m. 40 minutes late and was back by 11 p.m. yesterday.",
        "Acme Inc. and Widgets Ltd. signed with Smith & Co. and Big Corp. last week.",
        "Resolution No. 5 passed, 12 vs. 3, after a long debate.",
        "They brought tanks, trucks, etc. and stayed for a week.",
        "Some weapons, e.g. rockets, i.e. the heavy kind, were moved.",
        "The group had approx. 300 fighters, est. 1,000 by the spring.",
        "Martin Luther King Jr. and Hank Williams Sr. were both named.",
        "The U.S. Army and U.S. President Trump disagreed.",
        "Sgt. Maj. Davis told Capt. Ortiz to see Lt. Gen. Ward.",
    ],
)
def test_it_keeps_abbreviations_inside_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Baghdad by Elijah J. Magnier:",
        "The Lord of the Rings by J. R. R. Tolkien was read aloud.",
        "President George W. Bush spoke first.",
        "Harry S. Truman ordered it.",
        "The report by A. B. Smith and C. D. Jones was leaked.",
        "Fans of J.R.R. Tolkien gathered in the square.",
    ],
)
def test_it_keeps_initials_inside_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "The front moved 3.5 km in a single day.",
        "The Asayish is a 15,000-strong force.",
        "The deal was worth $1.2bn last year.",
        "Prices rose 2.5% in June.",
        "She has $100.00 in her bag.",
        "The quake measured 6.1 and killed 1,234 people.",
        "Oil traded at 0.75 cents above the 2.10 mark.",
    ],
)
def test_it_keeps_decimals_and_thousands_inside_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "The app moved from version 2.4.1 to 3.0 overnight.",
        "Python 3.11.7 fixed it.",
        "Firmware v1.2.3 shipped with the drones.",
        "Release 10.0.19045.2006 is the last one.",
        "Section 4.2.1 of the treaty covers it.",
        "IPv4 address 192.168.0.1 was logged.",
    ],
)
def test_it_keeps_version_like_numbers_inside_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Donate via http://southfront.org/donate/ or by post.",
        "www.globalresearch.ca contains copyrighted material.",
        "Support us at patreon.com/southfront every month.",
        "Or via: https://www.patreon.com/southfront",
        "See https://www.example.50.com/new-site/awesome_content.html for more.",
        "Read www.bbc.co.uk/news.html?id=3.5 before https://t.co/Ab.Cd goes down.",
    ],
)
def test_it_keeps_urls_inside_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Write to Jane.Doe@example.com for details.",
        "PayPal: [email protected] or via: http://southfront.org/donate/",
        "For media inquiries: [email\u00a0protected]",
        "Contact john.smith@news.co.uk or press@un.org today.",
        "Mail First.Last@Example.Org with questions.",
        "Her address, a.b.c@d.e.f, bounced.",
    ],
)
def test_it_keeps_email_addresses_inside_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Well… and then nothing happened.",
        "Wait ... and see what happens.",
        "And also in the grand scheme of things…i feel it was more important.",
        "It was … well, not quite right.",
        "I mean...see what I mean?",
        "… and they would do what ?, with what is also on the hit list.",
    ],
)
def test_it_keeps_an_ellipsis_before_a_lowercase_word_inside_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Why?, he asked, and left.",
        "Stop!, she cried.",
        "They would do what ?, with what?",
        "Who knows?, maybe nobody.",
        "Go!, go!, go! they shouted.",
        "She works at Yahoo! in the accounting department.",
    ],
)
def test_it_keeps_question_and_exclamation_marks_before_a_comma_inside_a_sentence(
    text: str,
) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Lol der ez zor was liberated..no thanks to your dipshit army.",
        "It ended..well, sort of.",
        "He left. and then came back.",
        "Nice try.. not really.",
        "She turned to him, 'This is great.' she said.",
        'She turned to him, "This is great." she said.',
    ],
)
def test_it_keeps_a_full_stop_before_a_lowercase_word_inside_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


# --- Where a sentence must end ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello World. My name is Jonas.", ["Hello World.", "My name is Jonas."]),
        ("What is it? It is nothing!", ["What is it?", "It is nothing!"]),
        ("Stop it! Now.", ["Stop it!", "Now."]),
        ("Really?! Yes. Really!? Yes.", ["Really?!", "Yes.", "Really!?", "Yes."]),
        ("Hello!! Long time no see.", ["Hello!!", "Long time no see."]),
        ("It was over… The army withdrew.", ["It was over…", "The army withdrew."]),
        (
            "Give the PMU a chance ?. They earned it.",
            ["Give the PMU a chance ?.", "They earned it."],
        ),
        (
            "The offensive ended. 2,000 troops withdrew.",
            ["The offensive ended.", "2,000 troops withdrew."],
        ),
        (
            'He left. "We will return," he said.',
            ["He left.", '"We will return," he said.'],
        ),
        ("Oh thanks. Can I go now?", ["Oh thanks.", "Can I go now?"]),
        ("She has $100.00. It is in her bag.", ["She has $100.00.", "It is in her bag."]),
        (
            "It cost a fortune. $5 million was spent.",
            ["It cost a fortune.", "$5 million was spent."],
        ),
    ],
)
def test_it_splits_after_final_punctuation_before_a_capital_digit_or_quote(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
        (
            "She said “it is over.” The crowd cheered.",
            ["She said “it is over.”", "The crowd cheered."],
        ),
        (
            "He called it ‘a disaster.’ Nobody agreed.",
            ["He called it ‘a disaster.’", "Nobody agreed."],
        ),
        (
            "He resigned (effective immediately.) The board accepted.",
            ["He resigned (effective immediately.)", "The board accepted."],
        ),
        ("“Why?” Nobody answered.", ["“Why?”", "Nobody answered."]),
        (
            "Bohr called it “absurd!” “Nonsense,” said Einstein.",
            ["Bohr called it “absurd!”", "“Nonsense,” said Einstein."],
        ),
        ('It was "over". Then it began again.', ['It was "over".', "Then it began again."]),
    ],
)
def test_it_keeps_the_closing_quote_or_parenthesis_with_the_sentence_it_ends(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I live in the U.S. How about you?", ["I live in the U.S.", "How about you?"]),
        (
            "The fighters moved into the U.S. The next day they left.",
            ["The fighters moved into the U.S.", "The next day they left."],
        ),
        (
            "They closed the deal with Pitt, Briggs & Co. It closed yesterday.",
            ["They closed the deal with Pitt, Briggs & Co.", "It closed yesterday."],
        ),
        (
            "He works for Acme Inc. The firm is large.",
            ["He works for Acme Inc.", "The firm is large."],
        ),
        (
            "The attack came at 5 a.m. The city was quiet.",
            ["The attack came at 5 a.m.", "The city was quiet."],
        ),
        (
            "We make a good team, you and I. Did you see Albert I. Jones yesterday?",
            ["We make a good team, you and I.", "Did you see Albert I. Jones yesterday?"],
        ),
        ("Talks resume in Jan. They may fail.", ["Talks resume in Jan.", "They may fail."]),
        ("I live in the E.U. How about you?", ["I live in the E.U.", "How about you?"]),
        (
            "Let's ask Jane and co. They should know.",
            ["Let's ask Jane and co.", "They should know."],
        ),
        ("He said no. That was final.", ["He said no.", "That was final."]),
        (
            "They brought tanks, trucks, etc. The rest stayed.",
            ["They brought tanks, trucks, etc.", "The rest stayed."],
        ),
        (
            "Talks resume in May. Officials doubt it.",
            ["Talks resume in May.", "Officials doubt it."],
        ),
    ],
)
def test_it_splits_after_an_abbreviation_that_ends_a_sentence(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The battle ended.The next day was quiet.",
            ["The battle ended.", "The next day was quiet."],
        ),
        (
            "Troops arrived in 2016.They left in 2018.",
            ["Troops arrived in 2016.", "They left in 2018."],
        ),
        ("He won!The crowd cheered.", ["He won!", "The crowd cheered."]),
        ("Is it over?Nobody knows.", ["Is it over?", "Nobody knows."]),
        ("It was over…Then it began.", ["It was over…", "Then it began."]),
        ('He said "no."Then he left.', ['He said "no."', "Then he left."]),
        ("The group ISIS.The group was defeated.", ["The group ISIS.", "The group was defeated."]),
    ],
)
def test_it_splits_where_the_space_after_a_full_stop_is_missing(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I visited the U.S.A last year.",
        "The shell flew 3.5km before it hit.",
        "They build it with ASP.NET and Node.js daily.",
        "Write to Jane.Doe@Example.com today.",
        "See www.Example.com/Page.Html first.",
        "Mr.Smith and Dr.Jones came.",
        "Sen. Joe Manchin (D-W.Va.) voted in favor.",
        "They saw St.Petersburg and No.5 Street.",
    ],
)
def test_it_does_not_split_where_a_glued_full_stop_is_part_of_a_word(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It was over... The army withdrew.", ["It was over...", "The army withdrew."]),
        ("I never meant that.... She left.", ["I never meant that....", "She left."]),
        ("South Front reports… ISIS is back.", ["South Front reports…", "ISIS is back."]),
        ("Who knows?… Nobody does.", ["Who knows?…", "Nobody does."]),
        ("He paused... 20 minutes passed.", ["He paused...", "20 minutes passed."]),
        ("It ended … “Never again,” he said.", ["It ended …", "“Never again,” he said."]),
    ],
)
def test_it_splits_after_an_ellipsis_before_a_capital(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said . . . that it was over.", ["He said . . . that it was over."]),
        ("The thing is . . . I didn’t mean it.", ["The thing is . . . I didn’t mean it."]),
        (
            "It ends with a period . . . . Next sentence.",
            ["It ends with a period . . . .", "Next sentence."],
        ),
        (
            "They combined words into compounds. . . . The practice was not abandoned. . . .",
            ["They combined words into compounds.", ". . . The practice was not abandoned. . . ."],
        ),
        (
            "“The laws of the universe will appear less complex. . . .”",
            ["“The laws of the universe will appear less complex. . . .”"],
        ),
        (
            '"Bohr [...] used the analogy [...]" (Smith 55).',
            ['"Bohr [...] used the analogy [...]" (Smith 55).'],
        ),
    ],
)
def test_it_reads_spaced_ellipses_as_omissions_unless_four_dots_end_the_sentence(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. The first item 2. The second item", ["1. The first item", "2. The second item"]),
        (
            "1.) The first item. 2.) The second item.",
            ["1.) The first item.", "2.) The second item."],
        ),
        ("1) One 2) Two 3) Three", ["1) One", "2) Two", "3) Three"]),
        ("a. The first item b. The second item", ["a. The first item", "b. The second item"]),
        (
            "• 9. The first item • 10. The second item",
            ["• 9. The first item", "• 10. The second item"],
        ),
        ("⁃9. The first item ⁃10. The second item", ["⁃9. The first item", "⁃10. The second item"]),
        ("1. The U.S. has 2 bases.", ["1. The U.S. has 2 bases."]),
    ],
)
def test_it_splits_an_inline_list_before_each_marker(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


# --- Lines, paragraphs and offsets -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Video: Tensions Grow as ISIS Collapses\nThe coalition is on alert.",
            ["Video: Tensions Grow as ISIS Collapses", "The coalition is on alert."],
        ),
        (
            "Baghdad by Elijah J. Magnier: \u00a0\n\nThe United States",
            ["Baghdad by Elijah J. Magnier:", "The United States"],
        ),
        ("It was the U.S.\nthe next day", ["It was the U.S.", "the next day"]),
        ("He said\n“no.” Then", ["He said", "“no.”", "Then"]),
        ("One.\r\nTwo.\r\n", ["One.", "Two."]),
        (
            "Articles by: South Front\n\n\nDisclaimer: none.",
            ["Articles by: South Front", "Disclaimer: none."],
        ),
    ],
)
def test_a_sentence_never_crosses_a_newline(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_paragraph_counts_non_blank_lines_only() -> None:
    text = "Title\n\n \u00a0\nFirst. Second.\n\t\r\nThird\n"
    assert [(text[s.start : s.end], s.paragraph) for s in split_sentences(text)] == [
        ("Title", 0),
        ("First.", 1),
        ("Second.", 1),
        ("Third", 2),
    ]


def test_it_gives_exact_offsets_around_unicode_whitespace() -> None:
    text = "\u3000 \u00a0Hello there.\u2003 Next one!\u00a0"
    assert split_sentences(text) == [Span(3, 15, 0), Span(17, 26, 0)]


@pytest.mark.parametrize("text", ["", " ", "\n", "\n\n \u00a0\n", "\r\n\t", "\u2028\u3000"])
def test_it_returns_no_sentences_for_blank_text(text: str) -> None:
    assert split_sentences(text) == []


# --- Invariants, on chosen and on random text ------------------------------------------------

TRICKY = [
    ".",
    "...",
    " . . . . ",
    "?.!",
    "a.",
    "… And then",
    "what ?. Yes",
    "“”‘’()[]",
    "U.S.A.B.C.D.E.F",
    "1.\n2.\n3.",
    "a. b. c. d.",
    "• • •",
    "⁃",
    "1) 2) 3) 4)",
    "z. {. aa.",
    "ab.Cd" * 50,
    ". " * 500,
    "." * 500,
    "a ? " * 300,
    "x" * 5000 + ". Y",
    "\ud800. \udfff Next.",
    "Hello.\x0bWorld.\x0cAgain.\x1cMore.\x85Last.\u2028End.\u2029Done.",
    "Tab\tseparated. Words\there.",
    "Mixed\r\rcarriage. Returns\r",
    "n°. 1026.253.553. That is where the treasure is.",
    "At 5 a.m. Mr. Smith went to the bank. He left at 6 P.M. Mr. Smith then went home.",
    "Ça va. Élodie est là. ¿Qué? ¡Sí! Ünïcödé. 東京. 北京. Ω.",
    "",
]


@pytest.mark.parametrize("text", TRICKY)
def test_it_keeps_its_promises_on_tricky_text(text: str) -> None:
    assert_invariants(text)


PIECES = [
    "the", "The", "U.S.", "Mr.", "a.m.", "e.g.", "No.", "5", "3.5", "J.", "I", "www.x.com",
    "Jane.Doe@example.com", "http://a.org/b/", "...", "…", ". . .", ".", "?", "!", "?.", "!,",
    "?!", '"', "“", "”", "‘", "’", "'", "(", ")", "[", "]", "•", "1.", "2)", "a.", "-", "–",
    ":", ";", ",", "$", "€", "°", "@", "/", "Ab.Cd", "end.The", "\u00a0", "\u3000", "\t", "\r",
    "\n", "\n\n", " ", "  ", "\x0b", "\u2028", "ß", "Ω", "東",
]  # fmt: skip


def random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        if rng.random() < 0.8:
            words = rng.choices(PIECES, k=rng.randint(0, 40))
            texts.append("".join(w + rng.choice(["", " ", " ", " "]) for w in words))
        else:
            # Any code point, surrogates included: the segmenter must not raise.
            texts.append("".join(chr(rng.randrange(0x110000)) for _ in range(rng.randint(0, 30))))
    return texts


def test_it_keeps_its_promises_on_random_text() -> None:
    for text in random_texts(3000, seed=20240611):
        assert_invariants(text)


# --- The seed articles -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "count"), [("000", 16), ("001", 39), ("002", 49), ("003", 37), ("004", 23)]
)
def test_each_seed_splits_into_the_reviewed_number_of_sentences(number: str, count: int) -> None:
    assert len(assert_invariants(read_seed(number))) == count


@pytest.mark.parametrize(
    ("number", "sentence"),
    [
        (
            "001",
            "According to the Syrian Defense Ministry, 28 terrorists were killed and 30 others"
            " were wounded during the clashes.",
        ),
        ("001", "The SAA is advancing towards the strategic ISIS-held town of Maskanah."),
        (
            "001",
            "In this light, the US-backed militant advance “against ISIS” along the"
            " Syrian-Iraqi border is just a tool to achieve some geopolitical goals in the Middle"
            " East.",
        ),
        (
            "000",
            "Thus, the US-led coalition may even decide to develop the SDF advance in the"
            " direction of Deir Ezzor in order to capture Deir Ezzor oil and gas fields on pretext"
            " of the battle against ISIS.",
        ),
        (
            "004",
            "After regrouping and receiving renewed support from NATO member Turkey, ISIS are"
            " once again on the move in Syria – threatening the stability of the region.",
        ),
        ("003", "Baghdad by Elijah J. Magnier:"),
        ("002", "Lol der ez zor was liberated..no thanks to your dipshit army."),
        ("002", "What about giving the PMU a chance ?."),
        ("002", "Can I submit my time sheet now Billy Bob III Jr.?."),
    ],
)
def test_seed_sentences_come_out_whole(number: str, sentence: str) -> None:
    assert sentence in sentences(read_seed(number))


@pytest.mark.parametrize(
    ("number", "first", "then"),
    [
        (
            "000",
            "If you’re able, and if you like our content and approach, please support the project.",
            "Our work wouldn’t be possible without your help: PayPal: [email protected] or via:"
            " http://southfront.org/donate/ or via: https://www.patreon.com/southfront",
        ),
        ("002", "Give the Syrian Army a chance!", "Let them cross the Euphrates!"),
        ("002", "Yep.", "That makes the Euphrates too deep to wade across."),
        (
            "002",
            "… and they would do what ?, with what is also on the hit list.",
            "What is the big problem in allowing the SDF and ISIS allegedly kill each other.",
        ),
    ],
)
def test_seed_sentences_follow_each_other(number: str, first: str, then: str) -> None:
    found = sentences(read_seed(number))
    assert found[found.index(first) + 1] == then


# --- Cases from a wider held-out check (issue 15) ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Exports fell in Jan.–Mar. 2018 and rose again. Then they fell.",
            ["Exports fell in Jan.–Mar. 2018 and rose again.", "Then they fell."],
        ),
        (
            "Output rose in Sept.—Dec. 2019 as expected.",
            ["Output rose in Sept.—Dec. 2019 as expected."],
        ),
        (
            "The war ended.\u200bThe next day was calm.",
            ["The war ended.", "The next day was calm."],
        ),
        ("The war ended.\u200f The talks began.", ["The war ended.", "The talks began."]),
        ("The war ended. \u200fThe talks began.", ["The war ended.", "The talks began."]),
        ("هل انتهت الحرب؟ نعم انتهت.", ["هل انتهت الحرب؟", "نعم انتهت."]),
        ("یہ پہلی خبر ہے۔ یہ دوسری خبر ہے۔", ["یہ پہلی خبر ہے۔", "یہ دوسری خبر ہے۔"]),
        ("Great news! 🎉 The army won.", ["Great news! 🎉", "The army won."]),
        ("They are back!🔥🔥 Fighting resumed.", ["They are back!🔥🔥", "Fighting resumed."]),
        ("Wow! 😀 and then nothing.", ["Wow! 😀 and then nothing."]),
        ("First line\u2028Second line", ["First line", "Second line"]),
    ],
)
def test_it_handles_the_held_out_cases(text: str, expected: list[str]) -> None:
    spans = assert_invariants(text)
    assert [text[s.start : s.end] for s in spans] == expected


# Every character that str.isspace() calls whitespace but the three line breaks.
SPACES_BUT_LINE_BREAKS = [
    c for c in map(chr, range(0x110000)) if c.isspace() and c not in "\n\u2028\u2029"
]


@pytest.mark.parametrize("space", SPACES_BUT_LINE_BREAKS, ids=lambda c: f"U+{ord(c):04X}")
def test_any_space_after_a_full_stop_separates_two_sentences_on_one_line(space: str) -> None:
    text = f"The army advanced.{space}It stopped."
    spans = assert_invariants(text)
    assert [text[s.start : s.end] for s in spans] == ["The army advanced.", "It stopped."]
    assert [s.paragraph for s in spans] == [0, 0]


def test_a_line_break_u2028_starts_a_new_paragraph() -> None:
    spans = assert_invariants("One.\u2028Two.\u2029Three.")
    assert [s.paragraph for s in spans] == [0, 1, 2]


@pytest.mark.parametrize("line", ["\u200b", "\u200f\u200e", " \ufeff \u2060 "])
def test_a_line_of_only_invisible_characters_is_no_sentence(line: str) -> None:
    text = f"The army advanced.\n{line}\nIt stopped."
    spans = assert_invariants(text)
    assert [text[s.start : s.end] for s in spans] == ["The army advanced.", "It stopped."]
    assert [s.paragraph for s in spans] == [0, 1]


@pytest.mark.slow
def test_the_segment_command_stops_quietly_when_its_reader_does(tmp_path) -> None:
    article = tmp_path / "long.txt"
    article.write_text("The army advanced. It stopped.\n" * 20000, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        f"{sys.executable} manage.py segment {article} | head -n 2",
        shell=True,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.stdout.count("\n") == 2
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr
