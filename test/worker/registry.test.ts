import { describe, expect, it } from 'vitest';
import { operations, operationTypes } from '../../services/operations/registry.ts';
import { handlers } from '../../worker/handlers/index.ts';

describe('operation registry', () => {
  it('every operation type has exactly one definition keyed by its own type and exactly one handler', () => {
    for (const [key, definition] of Object.entries(operations)) expect(definition.type).toBe(key);
    expect(Object.keys(handlers).sort()).toEqual([...operationTypes].sort());
    expect(new Set(operationTypes).size).toBe(operationTypes.length);
  });

  it('each type sets a handler time limit below its job expiry', () => {
    for (const definition of Object.values(operations)) {
      expect(definition.timeoutSeconds).toBeLessThan(definition.expireInSeconds);
    }
  });
});
