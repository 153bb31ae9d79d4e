rm -rf /opt/diff-splat
