# China Telecom's aliases written on one line, as a hand edit would.
python3 - data/organizations/china-telecom.json <<'PY'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
text = re.sub(r'"aliases": \[\n\s*"China Telecom"\n\s*\]', '"aliases": ["China Telecom"]', text, count=1)
open(path, "w", encoding="utf-8").write(text)
PY
