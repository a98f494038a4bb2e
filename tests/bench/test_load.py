"""The load bench's questions, and its process watch: process groups, and trees of processes in
sessions of their own."""
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from eval_answers import load_items  # noqa: E402
from load import QUESTIONS, ProcessWatch, dev_questions  # noqa: E402

# A parent in a session of its own whose two children each start a session of their own,
# as PostgreSQL's backends do: only counting by descent finds them.
SPAWN = (
    "import subprocess, sys, time\n"
    "kids = [subprocess.Popen([sys.executable, '-c', 'import time; x = bytearray(40 << 20); time.sleep(60)'],"
    " start_new_session=True) for _ in range(2)]\n"
    "time.sleep(60)\n"
)


def test_a_tree_counts_every_descendant_where_a_group_counts_only_its_own(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", SPAWN], start_new_session=True)
    try:
        watch = ProcessWatch({"group": parent.pid}, {"tree": parent.pid, "gone": 999_999_999})
        for _ in range(100):  # until both children hold their 40 MiB
            sample = watch._sample()
            if sample["tree"][0] > 80:
                break
            subprocess.run(["sleep", "0.1"])
        group_mib, tree_mib, gone = sample["group"][0], sample["tree"][0], sample["gone"]
        assert tree_mib > 80 and tree_mib > group_mib + 75
        assert gone == (0.0, 0.0)
    finally:
        subprocess.run(["pkill", "-P", str(parent.pid)])  # the children, then their parent
        parent.kill()
        parent.wait()


def test_the_default_questions_are_every_form_of_the_answer_dev_set_each_once():
    items = load_items("dev")
    questions = dev_questions()
    forms = {form for item in items for form, text in item["forms"].items() if text}
    assert forms == {"en", "fr", "ar", "darija", "arabizi"}
    assert len(questions) == len(set(questions)) == sum(1 for item in items for text in item["forms"].values() if text) >= 400
    # the fixed dozen, which the answer cache serves after their first time, are other questions
    assert not set(QUESTIONS) & set(questions)
