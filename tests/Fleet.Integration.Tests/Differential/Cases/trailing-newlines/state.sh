for f in /opt/diff-newlines/*; do [ -f "$f" ] && printf '%s %s\n' "$f" "$(od -An -c "$f" | tr -s ' \n' ' ')"; done 2>/dev/null
