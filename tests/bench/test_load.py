"""The load bench's process watch: process groups, and trees of processes in sessions of their own."""
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from load import ProcessWatch  # noqa: E402

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
