find /srv/diff-ssh-role-semantics -printf '%p %m %u %g %s %y\n' | sort
cd /srv/diff-ssh-role-semantics && for f in $(find . -type f | sort); do echo "== $f"; cat "$f"; done
