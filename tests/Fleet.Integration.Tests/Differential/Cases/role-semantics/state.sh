# Backups are named PATH.PID.YYYY-MM-DD@HH:MM:SS~ by both tools: the PID and time differ, so the name is shown as PATH.BACKUP.
find /srv/diff-role-semantics -printf '%p %m %u %g %s %y\n' | sed -E 's/\.[0-9]+\.[0-9]{4}-[0-9]{2}-[0-9]{2}@[0-9]{2}:[0-9]{2}:[0-9]{2}~ /.BACKUP /' | sort
cd /srv/diff-role-semantics && for f in $(find . -type f | sort); do echo "== $f" | sed -E 's/\.[0-9]+\.[0-9-]+@[0-9:]+~$/.BACKUP/'; cat "$f"; done
