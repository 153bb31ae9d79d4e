rm -rf /srv/diff-setup
