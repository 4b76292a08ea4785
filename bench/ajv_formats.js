// Formats for ajv (CLI `-c` module and the library run): the standard ones
// from ajv-formats plus the engine's numeric formats (schemars emits them),
// accepted as annotations, as fixturegen and Python jsonschema treat them.
const addFormats = require("ajv-formats");

module.exports = function (ajv) {
  addFormats(ajv);
  for (const name of ["uint64", "uint32", "uint", "int32", "int64", "double"]) {
    ajv.addFormat(name, { type: "number", validate: () => true });
  }
  return ajv;
};
