rm -rf /srv/diff-role-semantics
