import type { GraphClient } from '../../services/microsoft/graph-client.ts';
import type { IntuneFamily } from '../../services/microsoft/contracts/index.ts';
import type { Db } from '../../services/db/client.ts';
import { inventoryKeys } from '../../services/inventory/inventory-keys.ts';
import { familyIsEmpty, markUnseenItemsRemoved, upsertInventoryPage, type InventoryRow, type SyncMark } from '../../services/inventory/inventory-store.ts';
import { readFamily, type IntuneObject } from './read-family.ts';

/** Page writes running at once (each on its own pooled connection). */
export const writesInFlight = 2;

export interface FamilyTally {
  items: number;
  added: number;
  updated: number;
  removed: number;
  /** Time spent waiting for Graph pages and writing them (they overlap), for the logs. */
  readMs: number;
  writeMs: number;
}

export interface SyncFamilyOptions {
  db: Db;
  graph: GraphClient;
  mark: SyncMark & { family: IntuneFamily };
  /** After each page is stored (progress, cancellation checks). */
  onPage(tally: FamilyTally): Promise<void>;
}

export function inventoryRow(object: IntuneObject): InventoryRow {
  return {
    graphId: object.graphId, odataType: object.odataType, displayName: object.displayName, ...inventoryKeys(object.family, object.payload),
    payload: object.payload, payloadHash: object.payloadHash, assignments: object.assignmentsKnown ? object.assignments : null,
  };
}

/**
 * One family into inventory_items, page by page (memory bounded by the page size). Only a
 * read that reached its last page (and whose writes all succeeded) marks what it did not
 * see as removed: an error thrown midway leaves every row's removed_at as it was.
 */
export async function syncFamily({ db, graph, mark, onPage }: SyncFamilyOptions): Promise<FamilyTally> {
  const tally: FamilyTally = { items: 0, added: 0, updated: 0, removed: 0, readMs: 0, writeMs: 0 };
  // A family with no cached row yet (a tenant's first sync): every row is new, no lookup needed.
  const knownNew = await familyIsEmpty(db, mark.tenantId, mark.family);
  const store = async (page: IntuneObject[]) => {
    const started = performance.now();
    const changes = await upsertInventoryPage(db, mark, page.map(inventoryRow), { knownNew });
    tally.items += page.length;
    tally.added += changes.added;
    tally.updated += changes.updated;
    tally.writeMs += performance.now() - started;
    await onPage(tally);
  };
  // Pages are written while the next is read, `writesInFlight` at most (so at most that many
  // pages + the one being read are in memory, whatever the family's size).
  const writing: Promise<void>[] = [];
  try {
    let asked = performance.now();
    for await (const page of readFamily(graph, mark.family, { fetchMissingAssignments: false })) {
      tally.readMs += performance.now() - asked;
      if (writing.length >= writesInFlight) await writing.shift();
      const write = store(page);
      // Observed when awaited below; this only keeps a failure meanwhile from counting as unhandled.
      write.catch(() => undefined);
      writing.push(write);
      asked = performance.now();
    }
    while (writing.length > 0) await writing.shift();
  } finally {
    await Promise.allSettled(writing);
  }
  tally.removed = await markUnseenItemsRemoved(db, mark);
  return tally;
}
