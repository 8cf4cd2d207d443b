import {
  expectedAcceptedEvents,
  expectedRoleActions,
  managedTargetTypes,
  NOT_RESOURCE_TYPES,
} from "./derive";
import { syncGenerated } from "./files";
import { API_VERSIONS, isPrivateLinkTargetType } from "../../../src/adapters/arm/apiVersions";

describe("generated infra files follow the code", () => {
  it("infra/accepted-events.json equals src/core/events/accepted.ts", () => {
    const expected = expectedAcceptedEvents();
    expect(syncGenerated("infra/accepted-events.json", expected)).toEqual(expected);
  });

  it("infra/role-actions.json equals the actions derived from src/adapters/arm/apiVersions.ts", () => {
    const expected = expectedRoleActions();
    expect(syncGenerated("infra/role-actions.json", expected)).toEqual(expected);
  });

  it("treats exactly the private link target types as managed (write access) and every table type as readable", () => {
    const managed = managedTargetTypes();
    expect(managed.length).toBeGreaterThanOrEqual(26);
    for (const t of managed) expect(isPrivateLinkTargetType(t)).toBe(true);
    const { actions } = expectedRoleActions();
    const writable = actions
      .filter((a) => a.endsWith("/privateendpointconnections/write"))
      .map((a) => a.slice(0, -"/privateendpointconnections/write".length));
    expect(writable.sort()).toEqual(managed);
    const readable = Object.keys(API_VERSIONS).filter((k) => k.includes("/") && !NOT_RESOURCE_TYPES.has(k));
    for (const key of readable) expect(actions).toContain(`${key}/read`);
    // API surfaces covered by built-in roles get no action of their own.
    for (const key of NOT_RESOURCE_TYPES.keys())
      expect(actions.some((a) => a.startsWith(`${key}/`))).toBe(false);
  });
});
