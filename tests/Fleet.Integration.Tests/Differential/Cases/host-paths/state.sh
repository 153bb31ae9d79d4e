find /root /home/difftilde -maxdepth 1 -name 'diff-tilde-*' -printf '%p %m %u %g %y\n' 2>/dev/null | sort
for f in /root/diff-tilde-keys /root/diff-tilde-env /root/diff-tilde-unset /home/difftilde/diff-tilde-own; do cat $f 2>/dev/null; done
