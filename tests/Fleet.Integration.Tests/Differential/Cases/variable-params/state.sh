find /opt/diff-splat -printf "%p %m %y\n" 2>/dev/null | sort; cat /opt/diff-splat/from-var /opt/diff-splat/written 2>/dev/null
