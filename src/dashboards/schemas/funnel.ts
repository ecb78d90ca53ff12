/**
 * JSON Schema of a funnel file (reference §9). Besides GitLab's `pageview` steps (target: a
 * page path), a step may be a custom `event` (target: the event name).
 */

export const funnelSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "funnel.json",
  title: "Funnel",
  type: "object",
  additionalProperties: false,
  required: ["name", "seconds_to_convert", "steps"],
  definitions: {
    /** Step names and targets become SQL literals of the funnel's cube, where `{` starts a reference. */
    text: {
      type: "string",
      pattern: "^[^{}\\u0000-\\u001f]+$",
      "x-error": "must be non-empty text without braces or control characters",
    },
  },
  properties: {
    name: {
      type: "string",
      // The name becomes a cube name in the data model.
      pattern: "^[A-Za-z_][A-Za-z0-9_]{0,63}$",
      "x-error": "must be a name of letters, digits and _ (it becomes a cube name)",
    },
    seconds_to_convert: { type: "integer", minimum: 1 },
    steps: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "target", "action"],
        properties: {
          name: { $ref: "#/definitions/text" },
          target: { $ref: "#/definitions/text" },
          action: { enum: ["pageview", "event"] },
        },
      },
    },
  },
} as const;
