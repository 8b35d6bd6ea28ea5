import type { GraphClient } from '../../services/microsoft/graph-client.ts';
import type { IntuneFamily } from '../../services/microsoft/contracts/index.ts';
import type { Db } from '../../services/db/client.ts';
import { inventoryKeys } from '../../services/inventory/inventory-keys.ts';
import { markUnseenItemsRemoved, upsertInventoryPage, type InventoryRow, type SyncMark } from '../../services/inventory/inventory-store.ts';
import { readFamily, type IntuneObject } from './read-family.ts';

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
  const store = async (page: IntuneObject[]) => {
    const started = performance.now();
    const changes = await upsertInventoryPage(db, mark, page.map(inventoryRow));
    tally.items += page.length;
    tally.added += changes.added;
    tally.updated += changes.updated;
    tally.writeMs += performance.now() - started;
    await onPage(tally);
  };
  // One page is written while the next is read (two pages in memory at most).
  let writing: Promise<void> = Promise.resolve();
  try {
    let asked = performance.now();
    for await (const page of readFamily(graph, mark.family, { fetchMissingAssignments: false })) {
      tally.readMs += performance.now() - asked;
      await writing;
      writing = store(page);
      // Observed by the next await; this only keeps a failure meanwhile from counting as unhandled.
      writing.catch(() => undefined);
      asked = performance.now();
    }
    await writing;
  } finally {
    await writing.catch(() => undefined);
  }
  tally.removed = await markUnseenItemsRemoved(db, mark);
  return tally;
}
