/**
 * The policy engine's public API: load (`parsePolicy`), decide (`evaluate`, `explain`), fail closed
 * (`FAIL_CLOSED_DECISION`) and describe (`connectionDescription`). See docs/policy.md.
 */
export * from "./types";
export { parsePolicy, formatPolicyError, formatField } from "./parse";
export {
  evaluate,
  explain,
  RELAY_MAX_PRIVATE_ENDPOINTS,
  RELAY_NAMESPACE_TYPE,
  type ConditionResult,
  type Explanation,
  type RuleTrace,
} from "./evaluate";
export {
  FAIL_CLOSED_DECISION,
  connectionDescription,
  DESCRIPTION_MAX_LENGTH,
  INVALID_POLICY_RULE_ID,
} from "./decision";
export { UNKNOWN_FACTS_RULE_ID, isUndecidable } from "./unknownFacts";
export { parseDecisionFacts, type FactsResult } from "./requestFacts";
export { REQUEST_MESSAGE_MAX_LENGTH, searchBounded } from "./linearRegex";
export { globMatch } from "./glob";
export { normalizeLocation } from "./normalize";
export { managedOwnerGlobs } from "./managedBy";
export { dependsOnOtherConnections } from "./connectionDependence";
export {
  APPROVE_FOR_MAX,
  approveForProblem,
  expiryOf,
  formatExpiry,
  parseLinkgateDescription,
  type LinkgateMarker,
} from "./approveFor";
