# A remote `origin` to push to.
git init -q --bare ../origin.git
git remote add origin ../origin.git
