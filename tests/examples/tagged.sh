# The committed dataset released as v1.0.0.
git tag -a v1.0.0 -m "techpact-data 1.0.0"
