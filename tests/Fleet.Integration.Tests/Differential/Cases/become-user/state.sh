id -un diffbecome 2>&1
find /home/diffbecome -path /home/diffbecome/.ansible -prune -o -name 'diff-*' -printf '%p %m %u %g %s %y\n' 2>/dev/null | sort
for f in file facts flags gathered; do cat /home/diffbecome/diff-$f 2>/dev/null; done
