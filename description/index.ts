/**
 * The network description: YAML config → typed, immutable NetworkSpec per
 * environment. See docs/config.md.
 */
export { formatConfigProblems, formatPath, type ConfigProblem } from "./problems";
export {
  loadNetwork,
  ENVIRONMENTS_DIR,
  SCHEMA_FILE,
  OVERLAY_SCHEMA_FILE,
  type LoadResult,
  type LoadOptions,
} from "./load";
export { jsonSchemaText, overlaySchemaText } from "./jsonschema";
export { writeSchemas } from "./write-schema";
export { MERGE_KEYS, REMOVE_KEY } from "./merge";
export { NetworkDescriptionSchema, CONFIG_RECORD_TYPES, type Description, type RecordType } from "./schema";
export { tsigEnvVar, tsigVariable, RESERVED_LABEL_KEYS } from "./domain-names";
export { MANAGED_BY } from "./checks";
export * as catalogue from "./catalogue";
export type * from "./types";
export {
  ADOPT_CONCERNS,
  ADOPT_DIR,
  CREATE,
  ID_FORMATS,
  entryProblem,
  formatAdoption,
  parseAdoption,
  type AdoptConcern,
  type AdoptEntry,
  type AdoptionSpec,
} from "./adopt";
