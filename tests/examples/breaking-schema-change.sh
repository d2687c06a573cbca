# v1.0.0 was released with schemas that accepted more: an organization kind
# `foundation` and aliases of up to 400 characters.
python3 - schema/organizations.schema.json <<'PY'
import json, sys
path = sys.argv[1]
schema = json.load(open(path, encoding="utf-8"))
schema["$defs"]["OrganizationKind"]["enum"].append("foundation")
schema["properties"]["aliases"]["items"]["maxLength"] = 400
open(path, "w", encoding="utf-8").write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
PY
git commit -q -am "Schemas of v1.0.0"
git tag -a v1.0.0 -m "techpact-data 1.0.0"
git checkout -q HEAD~1 -- schema
git commit -q -am "Stricter schemas"
