find /root /etc -maxdepth 1 -name 'diff-cis-*' -printf '%p %m %u %g %y %l\n' 2>/dev/null | sort
for f in /root/diff-cis-family /etc/diff-cis-grub /root/diff-cis-sshd; do echo "$f:"; cat $f 2>/dev/null; done
getent shadow diffcis | cut -d: -f1,8
