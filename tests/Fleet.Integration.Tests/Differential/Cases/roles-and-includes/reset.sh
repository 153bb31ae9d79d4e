rm -rf /srv/diff-roles
