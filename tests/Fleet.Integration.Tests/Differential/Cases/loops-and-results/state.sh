find /srv/diff-loops -printf '%p %m %u %g %s %y\n' | sort
cd /srv/diff-loops && for f in $(find . -type f | sort); do echo "== $f"; cat "$f"; done
