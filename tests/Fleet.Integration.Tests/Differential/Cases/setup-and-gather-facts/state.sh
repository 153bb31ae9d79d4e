find /srv/diff-setup -printf '%p %m %u %g %s %y\n' | sort
cd /srv/diff-setup && for f in $(find . -type f | sort); do echo "== $f"; cat "$f"; done
