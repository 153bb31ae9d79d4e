id -un diffbecome 2>&1
find /home/diffbecome -path /home/diffbecome/.ansible -prune -o -name 'diff-*' -printf '%p %m %u %g %s %y\n' 2>/dev/null | sort
cat /home/diffbecome/diff-file 2>/dev/null
