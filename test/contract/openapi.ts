/**
 * OpenAI's official OpenAPI description (acquired by `alpacare data` from openai/openai-openapi) as JSON Schema
 * validators, through Ajv's 2020-12 dialect. The file is OpenAPI 3.1 but still carries OpenAPI 3.0's `nullable`
 * in places, which JSON Schema does not know: it is rewritten to `type: [..., "null"]` / `anyOf [..., null]`, the
 * standard conversion, before compiling. Formats are not validated (OpenAI's `date`/`uri` hints are not contract).
 */
import { existsSync, readFileSync } from "node:fs";
import * as Ajv2020Module from "ajv/dist/2020.js";
import { rawPath } from "../../src/data/sources.js";

type Json = unknown;
// Ajv ships CommonJS: under NodeNext its class is the module's `default` export.
const Ajv2020 = Ajv2020Module.default as unknown as typeof Ajv2020Module.Ajv2020;

/** The spec file in data/raw (undefined when the data has not been acquired). */
export function openapiFile(): string | undefined {
  const f = rawPath("openai_openapi/openapi.json");
  return existsSync(f) ? f : undefined;
}

function fromOpenApi30(node: Json): Json {
  if (Array.isArray(node)) return node.map(fromOpenApi30);
  if (!node || typeof node !== "object") return node;
  const o: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) o[k] = fromOpenApi30(v);
  if (o.nullable === true) {
    delete o.nullable;
    if (typeof o.type === "string") return { ...o, type: [o.type, "null"] };
    if (Array.isArray(o.type)) return { ...o, type: [...new Set([...(o.type as string[]), "null"])] };
    return { anyOf: [o, { type: "null" }] };
  }
  if (o.nullable === false) delete o.nullable;
  return o;
}

/** A validator per schema name: returns the list of errors (empty when valid). */
export function openapiValidators(file = openapiFile()): (schema: string, data: unknown) => string[] {
  if (!file) throw new Error("openai_openapi/openapi.json not acquired (run alpacare data)");
  const spec = fromOpenApi30(JSON.parse(readFileSync(file, "utf8")));
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(spec as object, "openapi.json");
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  return (schema, data) => {
    let v = compiled.get(schema);
    if (!v) compiled.set(schema, (v = ajv.compile({ $ref: `openapi.json#/components/schemas/${schema}` })));
    return v(data) ? [] : (v.errors ?? []).map((e: { instancePath: string; message?: string; params?: unknown }) => `${e.instancePath || "/"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
  };
}
