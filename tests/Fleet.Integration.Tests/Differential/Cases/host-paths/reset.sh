command -v sudo >/dev/null || apt-get install -y -qq sudo >/dev/null 2>&1
userdel -r difftilde >/dev/null 2>&1
rm -rf /home/difftilde /root/diff-tilde-*
