/**
 * The Azure SDK's own Event Grid consumer is the oracle for event shapes: every repo fixture must be an
 * envelope @azure/eventgrid deserializes in its schema, every accepted type must be a system event type
 * the SDK knows, and the resource our parser resolves must be the one the event names. One finding from
 * it: Resource Notifications carry the resource in wire field `resourceInfo`; the SDK's TypeScript model
 * calls it `resourceDetails`, but its deserializer hands `data` over as sent, so `resourceInfo` is what a
 * handler really receives (and what our parser reads).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  EventGridDeserializer,
  isSystemEvent,
  type CloudEvent,
  type EventGridEvent,
  type KnownSystemEventTypes,
  type ResourceWriteSuccessEventData,
} from "@azure/eventgrid";
import { ACCEPTED_EVENT_TYPES } from "../../../src/core/events/accepted";
import { parseEvents, type ParsedEvent } from "../../../src/core/events/parse";

const dir = path.resolve(__dirname, "../../fixtures/events");
const fixtures = fs.readdirSync(dir).filter((f) => f.endsWith(".json"));

// Compile-time: every accepted type is a system event type the SDK knows.
const accepted: readonly KnownSystemEventTypes[] = ACCEPTED_EVENT_TYPES;

type AnyEvent = { kind: "eg"; event: EventGridEvent<unknown> } | { kind: "ce"; event: CloudEvent<unknown> };

function is(t: KnownSystemEventTypes, e: AnyEvent): boolean {
  return e.kind === "eg" ? isSystemEvent(t, e.event) : isSystemEvent(t, e.event);
}

function hintResource(parsed: ParsedEvent | undefined): string | undefined {
  if (parsed?.status !== "accepted") return undefined;
  const h = parsed.hint;
  if (h.kind === "definition") return h.definitionId;
  return h.kind === "connection" ? h.connectionId : h.kind === "target" ? h.targetId : h.endpointId;
}

describe("event fixtures against @azure/eventgrid", () => {
  const deserializer = new EventGridDeserializer();

  it("covers both schemas and only known system event types", () => {
    expect(fixtures.some((f) => f.includes(".cloudevent."))).toBe(true);
    expect(fixtures.some((f) => f.includes(".eventgrid."))).toBe(true);
    expect(accepted).toHaveLength(ACCEPTED_EVENT_TYPES.length);
  });

  it.each(fixtures)("%s: the SDK deserializes it and our parser names the same resource", async (file) => {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    const ours = parseEvents(JSON.parse(text) as unknown);
    const events: AnyEvent[] = file.includes(".cloudevent.")
      ? (await deserializer.deserializeCloudEvents(text)).map((event) => ({ kind: "ce" as const, event }))
      : (await deserializer.deserializeEventGridEvents(text)).map((event) => ({
          kind: "eg" as const,
          event,
        }));
    expect(events).toHaveLength(ours.length);

    events.forEach((e, i) => {
      const mine = ours[i];
      const type = e.kind === "eg" ? e.event.eventType : e.event.type;
      expect(mine?.status).not.toBe("malformed");
      if (is("Microsoft.Resources.ResourceWriteSuccess", e)) {
        const uri = ((e.event.data as ResourceWriteSuccessEventData).resourceUri ?? "").toLowerCase();
        if (mine?.status === "accepted") {
          expect(uri.startsWith(hintResource(mine)?.toLowerCase() ?? "-")).toBe(true);
        } else {
          expect(mine?.status).toBe("ignored");
        }
      } else if (is("Microsoft.ResourceNotifications.Resources.CreatedOrUpdated", e)) {
        const wire = e.event.data as { resourceInfo?: { id?: string } };
        expect(mine?.status).toBe("accepted");
        expect(hintResource(mine)?.toLowerCase()).toBe(wire.resourceInfo?.id?.toLowerCase());
      } else {
        expect(ACCEPTED_EVENT_TYPES as readonly string[]).not.toContain(type);
        expect(mine?.status).toBe("ignored");
      }
    });
  });
});
