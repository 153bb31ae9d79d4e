# The oracle of JinjaDifferentialTests: Debian's python3-jinja2 configured as Ansible configures it (trim_blocks,
# Ansible's undefined, None printed as ''; no keep_trailing_newline: as Ansible's Templar.do_template, the template's own trailing
# newlines are added back after rendering, an included template's are not), with Ansible's own filter and test plugins
# (bool, ternary, combine, regex_*, to_*json/yaml, comment, password_hash via crypt(3), version, ...) installed from
# Debian's ansible package; a case with a search path loads include/import/extends templates from it (Jinja's
# FileSystemLoader, as Ansible's template module). One process renders the whole corpus: argv[1] is the corpus (JSON), argv[2] the results.
import json
import sys

# Fleet's password_hash is Ansible's without passlib (5000 rounds, docs/templating.md): hide a passlib the machine may have, so the oracle is that Ansible.
sys.modules["passlib"] = None

from jinja2 import Environment, FileSystemLoader
from ansible.template import AnsibleUndefined
from ansible.plugins.filter import core as filter_core, mathstuff as filter_math, urls as filter_urls, urlsplit as filter_urlsplit
from ansible.plugins.test import core as test_core, mathstuff as test_math, files as test_files, uri as test_uri


def environment(options, searchpath):
    env = Environment(
        loader=FileSystemLoader(searchpath) if searchpath else None,
        trim_blocks=options.get("trim_blocks", True),
        lstrip_blocks=options.get("lstrip_blocks", False),
        undefined=AnsibleUndefined,
        finalize=lambda value: "" if value is None else value,
    )
    env.filters.update(filter_core.FilterModule().filters())
    env.filters.update(filter_math.FilterModule().filters())
    env.filters.update(filter_urls.FilterModule().filters())
    env.filters.update(filter_urlsplit.FilterModule().filters())
    env.tests.update(test_core.TestModule().tests())
    env.tests.update(test_math.TestModule().tests())
    env.tests.update(test_files.TestModule().tests())
    env.tests.update(test_uri.TestModule().tests())
    return env


def trailing_newlines(text):
    return len(text) - len(text.rstrip("\n"))


def with_trailing_newlines(template, output):
    # Ansible's preserve_trailing_newlines: the newlines Jinja dropped from the end of the template itself come back.
    missing = trailing_newlines(template) - trailing_newlines(output)
    return output + "\n" * missing if missing > 0 else output


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        corpus = json.load(f)
    results = []
    for case in corpus["cases"]:
        try:
            env = environment(case.get("options", {}), case.get("searchpath"))
            output = with_trailing_newlines(case["template"], env.from_string(case["template"]).render(**corpus["vars"]))
            results.append({"name": case["name"], "output": output})
        except Exception as e:  # the test only needs to know that Jinja refused
            results.append({"name": case["name"], "error": type(e).__name__ + ": " + str(e)})
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(results, f)


main()
