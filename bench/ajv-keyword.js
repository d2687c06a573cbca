// The one line of set-up techpact's schemas need in Ajv's strict mode.
module.exports = (ajv) => ajv.addKeyword("x-techpact-ref");
