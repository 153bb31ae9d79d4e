rm -rf /srv/diff-ssh-role-semantics
