/**
 * JSON Schema (draft-07, as ajv runs it) of a policy document. Structure only: the checks that need more
 * than a schema (duplicate ids, regex syntax, time zones, GUIDs...) live in ./semantics.ts.
 */

const stringList = (description: string) => ({
  type: "array",
  description,
  minItems: 1,
  items: { type: "string", minLength: 1 },
});

export const policySchema = {
  $id: "https://linkgate.dev/schemas/policy-v1.json",
  type: "object",
  additionalProperties: false,
  required: ["apiVersion", "rules"],
  properties: {
    apiVersion: { const: "linkgate/v1" },
    mode: { enum: ["enforce", "audit"] },
    default: { enum: ["pending", "reject"] },
    revocation: {
      type: "object",
      additionalProperties: false,
      required: ["mode", "maxPerSweep"],
      properties: {
        mode: { enum: ["audit", "enforce"] },
        maxPerSweep: { type: "integer", minimum: 0 },
      },
    },
    rules: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "action"],
        properties: {
          id: { type: "string", minLength: 1, maxLength: 63 },
          description: { type: "string" },
          when: {
            type: "object",
            additionalProperties: false,
            properties: {
              requester: {
                type: "object",
                additionalProperties: false,
                properties: {
                  tenants: stringList("Entra tenant IDs"),
                  subscriptions: stringList("subscription IDs or globs"),
                  resourceGroups: stringList("resource group globs"),
                  endpointNames: stringList("private endpoint name globs"),
                  managedBy: {
                    type: "object",
                    description:
                      "owners (resource ID globs) whose managed private endpoint definitions vouch for the request",
                    additionalProperties: false,
                    minProperties: 1,
                    properties: {
                      frontDoor: stringList("Front Door profile ID globs"),
                      dataFactory: stringList("Data Factory factory ID globs"),
                      synapse: stringList("Synapse workspace ID globs"),
                      search: stringList("AI Search service ID globs"),
                    },
                  },
                },
              },
              target: {
                type: "object",
                additionalProperties: false,
                properties: {
                  types: stringList("resource type globs"),
                  ids: stringList("resource ID globs"),
                  tags: {
                    type: "object",
                    minProperties: 1,
                    additionalProperties: {
                      type: ["string", "array"],
                      minItems: 1,
                      items: { type: "string" },
                    },
                  },
                  locations: stringList("Azure regions"),
                  groupIds: stringList("private link group ids"),
                },
              },
              requestMessage: {
                type: "object",
                additionalProperties: false,
                required: ["matches"],
                properties: { matches: { type: "string", minLength: 1 } },
              },
              sameSubscription: { type: "boolean" },
              sameTenant: { type: "boolean" },
              schedule: {
                type: "object",
                additionalProperties: false,
                required: ["from", "to", "timeZone"],
                properties: {
                  days: {
                    type: "array",
                    minItems: 1,
                    uniqueItems: true,
                    items: { enum: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] },
                  },
                  from: { type: "string" },
                  to: { type: "string" },
                  timeZone: { type: "string", minLength: 1 },
                },
              },
            },
          },
          limits: {
            type: "object",
            additionalProperties: false,
            properties: { maxApprovedPerTarget: { type: "integer", minimum: 0 } },
          },
          action: { enum: ["approve", "reject", "pending"] },
          message: { type: "string", maxLength: 1000 },
          approveFor: { type: "string", minLength: 1 },
          revoke: { type: "boolean" },
        },
      },
    },
  },
} as const;
