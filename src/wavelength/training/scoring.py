"""Quiz attempts without the database: the order an attempt shows, the questions as a learner
sees them (never which answer is right), and the score of the submitted answers."""

import random
from collections.abc import Mapping, Sequence


def shuffled_order(quiz: dict, rng: random.Random) -> list[dict]:
    """Questions in a random order, each with its answers in a random order."""
    questions = list(quiz["questions"])
    rng.shuffle(questions)
    order = []
    for question in questions:
        ids = [c["id"] for c in question["choices"]]
        rng.shuffle(ids)
        order.append({"question": question["id"], "choices": ids})
    return order


def shown(quiz: dict, order: Sequence[dict]) -> list[dict]:
    """The questions of an attempt in its order, with no correct flag and no explanation."""
    by_id = {q["id"]: q for q in quiz["questions"]}
    out = []
    for item in order:
        question = by_id[item["question"]]
        texts = {c["id"]: c["text"] for c in question["choices"]}
        out.append(
            {
                "id": question["id"],
                "kind": question["kind"],
                "text": question["text"],
                "choices": [{"id": cid, "text": texts[cid]} for cid in item["choices"]],
            }
        )
    return out


def score(quiz: dict, answers: Mapping[int, Sequence[int]]) -> tuple[int, int, int]:
    """(right, total, percent): a question is right when exactly its correct answers are
    chosen; an unanswered question is wrong."""
    total = len(quiz["questions"])
    right = 0
    for question in quiz["questions"]:
        correct = {c["id"] for c in question["choices"] if c["correct"]}
        if set(answers.get(question["id"], ())) == correct:
            right += 1
    return right, total, round(100 * right / total) if total else 0


def problems(quiz: dict, order: Sequence[dict], answers: Mapping[int, Sequence[int]]) -> str:
    """What is wrong with submitted answers ("" when nothing): a question not in the attempt,
    an answer not of its question, several answers to a one-answer question."""
    by_id = {q["id"]: q for q in quiz["questions"]}
    asked = {item["question"] for item in order}
    for qid, chosen in answers.items():
        if qid not in asked or qid not in by_id:
            return f"question:{qid}"
        valid = {c["id"] for c in by_id[qid]["choices"]}
        if not set(chosen) <= valid:
            return f"choice:{qid}"
        if by_id[qid]["kind"] != "multiple" and len(set(chosen)) > 1:
            return f"single:{qid}"
    return ""
