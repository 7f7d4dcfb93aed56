import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharesFile, storedShares } from '../../src/fetch/stored-shares.js';
import { tempDir } from '../helpers/temp.js';

test('stored shares: the first assignment is kept and read back; another subset of the name, or a file edited into nonsense, is assigned afresh', async () => {
  const folder = tempDir();
  const subset = { name: 'mix', created_at: '2026-12-07T10:00:00.000Z' };
  let assigned = 0;
  const assign = (owners: Record<string, number>) => async () => {
    assigned++;
    return new Map(Object.entries(owners));
  };
  const first = await storedShares(folder, subset, 2, assign({ 'k400/val/a.tar.gz': 1, 'k400/val/b.tar.gz': 2 }));
  assert.deepEqual(Object.fromEntries(first), { 'k400/val/a.tar.gz': 1, 'k400/val/b.tar.gz': 2 });
  // Read back, not assigned again, even when the catalog would now assign otherwise (a merge changed the plan).
  assert.deepEqual(await storedShares(folder, subset, 2, assign({ 'k400/val/a.tar.gz': 2 })), first);
  assert.equal(assigned, 1);
  // Another count is another assignment, in a file of its own.
  assert.deepEqual(Object.fromEntries(await storedShares(folder, subset, 3, assign({ 'k400/val/a.tar.gz': 3 }))), { 'k400/val/a.tar.gz': 3 });
  assert.deepEqual(await storedShares(folder, subset, 2, assign({})), first);

  const file = sharesFile(folder, 'mix', 2);
  const made = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const owners of [null, { 'k400/val/a.tar.gz': '1' }, { 'k400/val/a.tar.gz': 5 }, { 'k400/val/a.tar.gz': 0 }]) {
    writeFileSync(file, JSON.stringify({ ...made, owners }));
    const assignedBefore: number = assigned;
    assert.deepEqual(Object.fromEntries(await storedShares(folder, subset, 2, assign({ 'k400/val/a.tar.gz': 2 }))), { 'k400/val/a.tar.gz': 2 }, JSON.stringify(owners));
    assert.equal(assigned, assignedBefore + 1, `owners ${JSON.stringify(owners)} is no assignment`);
  }
  writeFileSync(file, '{"subset": "mix", "createdAt"');
  assert.deepEqual(Object.fromEntries(await storedShares(folder, subset, 2, assign({ x: 1 }))), { x: 1 }, 'cut off: assigned afresh');
  const remade = { ...subset, created_at: '2026-12-07T11:00:00.000Z' };
  assert.deepEqual(Object.fromEntries(await storedShares(folder, remade, 2, assign({ y: 2 }))), { y: 2 }, 'the subset made again');
  assert.deepEqual(Object.fromEntries(await storedShares(folder, remade, 2, assign({}))), { y: 2 });
});
