rm -rf /srv/diff-loops
