// One node process: compile each engine schema a capture needs with the ajv
// library, validate every capture (all errors), print how many passed.
// Usage: node ajv_bench.js SCHEMAS_DIR CAPTURE_FILE...
const fs = require("fs");
const path = require("path");
const Ajv = require("ajv");
const addFormats = require("./ajv_formats.js");

const [schemasDir, ...files] = process.argv.slice(2);
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const validators = new Map();

function typeOf(capture) {
  const command = capture.command;
  if (command === "lineage" && "column" in capture) return "column_lineage";
  if (command === "history" && "model" in capture) return "model_history";
  return command;
}

let passed = 0;
for (const file of files) {
  const capture = JSON.parse(fs.readFileSync(file, "utf8"));
  const type = typeOf(capture);
  let validate = validators.get(type);
  if (!validate) {
    const schema = JSON.parse(fs.readFileSync(path.join(schemasDir, `${type}.schema.json`), "utf8"));
    validate = ajv.compile(schema);
    validators.set(type, validate);
  }
  if (validate(capture)) passed++;
}
console.log(`ajv library: ${passed} of ${files.length} valid`);
