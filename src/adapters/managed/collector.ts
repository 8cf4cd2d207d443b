/**
 * A sweep's inventory with the estate's managed private endpoint definitions (Inventory.managedDefinitions,
 * issue 13): the wrapped collector reads the estate as before, then the reader reads every Front Door origin,
 * Data Factory / Synapse managed private endpoint and AI Search shared private link of the sweep's scope under
 * the owners the policy's managedBy names (only those can vouch; a service the policy does not use is not
 * read, so its permissions are not needed). Without managedBy in the policy nothing is read.
 * When they cannot all be read the inventory carries none (an incomplete list would turn "unread" into "no
 * definition") and a collection error names why, so the sweep reports itself incomplete; when a scope already
 * failed, none is read (owners there are unknown) and that failure is the one reported.
 */
import { errorMessage } from "../../core/errors";
import type { Inventory } from "../../core/inventory";
import type { CollectOptions, InventoryCollector, ManagedOwnerGlobs, SweepScope } from "../../ports";
import type { ArmManagedDefinitionReader } from "./reader";

export class ManagedDefinitionsCollector implements InventoryCollector {
  /** `owners`: the policy's managedBy owner globs; undefined (no policy, or none uses managedBy) reads nothing. */
  constructor(
    private readonly inner: InventoryCollector,
    private readonly reader: Pick<ArmManagedDefinitionReader, "listEstate">,
    private readonly owners: ManagedOwnerGlobs | undefined,
  ) {}

  async collect(scope: SweepScope, options: CollectOptions): Promise<Inventory> {
    const inv = await this.inner.collect(scope, options);
    // A subscription (or the management group) that could not be listed may hold owners too: the list would be
    // incomplete, so none is carried, and the failed scope already says why.
    if (this.owners === undefined || inv.collectionErrors.some((e) => e.kind === "scope")) return inv;
    try {
      inv.managedDefinitions = await this.reader.listEstate(scope, this.owners, {
        abortSignal: options.abortSignal,
      });
    } catch (e) {
      inv.collectionErrors.push({
        scope: "managed private endpoint definitions",
        message: `could not read every Front Door origin, managed private endpoint and shared private link of the scope: ${errorMessage(e)}`,
        kind: "resource",
      });
    }
    return inv;
  }
}
