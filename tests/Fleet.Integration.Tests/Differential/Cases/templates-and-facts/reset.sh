rm -rf /srv/diff-templates
