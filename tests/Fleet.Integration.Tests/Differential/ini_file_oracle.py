#!/usr/bin/python3
"""Runs community.general.ini_file (the installed Ansible) on every case of a case table; writes what it did.

usage: ini_file_oracle.py CASES.json OUT.json   (regenerates tests/Fleet.Core.Tests/Modules/IniFile/ini_file_cases.json)
A case is {"name", "input": file text or null (no file), "args": the module's arguments without path}.
OUT is the table again with "expected": {"changed", "failed", "output": file text or null}.
"""
import json
import os
import subprocess
import sys
import tempfile


def main(cases_path, out_path):
    with open(cases_path, encoding="utf-8") as f:
        cases = json.load(f)
    work = tempfile.mkdtemp(prefix="fleet-ini-oracle-")
    tasks = []
    for i, case in enumerate(cases):
        path = os.path.join(work, "case%d" % i, "file.ini")
        os.makedirs(os.path.dirname(path))
        if case["input"] is not None:
            with open(path, "wb") as f:
                f.write(case["input"].encode("utf-8"))
        args = dict(case["args"], path=path)
        tasks.append({"name": "case%d" % i, "community.general.ini_file": args, "ignore_errors": True})
    playbook = os.path.join(work, "play.yml")
    with open(playbook, "w", encoding="utf-8") as f:
        json.dump([{"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}], f)
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_NOCOLOR="1")
    run = subprocess.run(["ansible-playbook", "-i", "localhost,", playbook], env=env, capture_output=True, text=True)
    report = json.loads(run.stdout)
    results = {t["task"]["name"]: t["hosts"]["localhost"] for t in report["plays"][0]["tasks"]}
    for i, case in enumerate(cases):
        path = os.path.join(work, "case%d" % i, "file.ini")
        result = results["case%d" % i]
        output = None
        if os.path.exists(path):
            with open(path, "rb") as f:
                output = f.read().decode("utf-8")
        case["expected"] = {"changed": bool(result.get("changed")), "failed": bool(result.get("failed")), "output": output}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(cases, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
