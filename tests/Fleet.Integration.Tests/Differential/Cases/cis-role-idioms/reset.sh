userdel -r diffcis >/dev/null 2>&1
rm -rf /home/diffcis /root/diff-cis-* /etc/diff-cis-*
