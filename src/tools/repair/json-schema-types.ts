/** The small part of a JSON Schema property the deterministic repairs look at. */
export interface PropertySchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: PropertySchema[];
  items?: PropertySchema;
  properties?: Record<string, PropertySchema>;
}

export interface ObjectSchema {
  properties?: Record<string, PropertySchema>;
}

/** Every JSON type a property allows (through anyOf too). */
export function typesOf(schema: PropertySchema | undefined): Set<string> {
  const out = new Set<string>();
  if (!schema) return out;
  if (typeof schema.type === 'string') out.add(schema.type);
  if (Array.isArray(schema.type)) schema.type.forEach((t) => out.add(t));
  if (schema.enum) out.add('enum');
  schema.anyOf?.forEach((s) => typesOf(s).forEach((t) => out.add(t)));
  return out;
}

export function enumOf(schema: PropertySchema | undefined): unknown[] | undefined {
  return schema?.enum ?? schema?.anyOf?.find((s) => s.enum)?.enum;
}
