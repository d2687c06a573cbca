# Commit every change of the work tree.
git add -A
git commit -q -m "Edits"
