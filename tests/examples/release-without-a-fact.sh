# Release 0.1.0, then a release 0.2.0 whose data lost a fact.
techpact release 0.1.0 --out dist-0.1.0 --quiet
git rm -q data/facts/anhui-early-quantum-layout.json
git commit -q -m "Remove a fact"
techpact release 0.2.0 --out dist-0.2.0 --quiet
