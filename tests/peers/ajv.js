// Validates records with Ajv in its default strict mode, as a consumer would.
// Reads [[schema file, record file], ...] as JSON on stdin; prints one
// verdict (true = valid) per pair as a JSON array. A schema that strict
// mode refuses to compile makes the script fail.
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");
const fs = require("fs");

const pairs = JSON.parse(fs.readFileSync(0, "utf8"));
const ajv = new Ajv2020();
addFormats(ajv);
// The one line of set-up techpact's schemas need: the keyword that names the
// collection a reference points to.
ajv.addKeyword("x-techpact-ref");
// Strict mode's type warnings are failures here, not console noise.
console.warn = (message) => {
  throw new Error(`Ajv warning: ${message}`);
};
const compiled = new Map();
const verdicts = pairs.map(([schemaFile, recordFile]) => {
  if (!compiled.has(schemaFile)) {
    compiled.set(schemaFile, ajv.compile(JSON.parse(fs.readFileSync(schemaFile, "utf8"))));
  }
  return compiled.get(schemaFile)(JSON.parse(fs.readFileSync(recordFile, "utf8")));
});
console.log(JSON.stringify(verdicts));
