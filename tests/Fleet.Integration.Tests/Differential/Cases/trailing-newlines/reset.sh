rm -rf /opt/diff-newlines
