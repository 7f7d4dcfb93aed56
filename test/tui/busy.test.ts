import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Busy, busyLine, cancelledLine } from '../../src/tui/work/busy.js';
import { defaultExportFolder, exportFolder } from '../../src/tui/export-folder.js';

const busy = (extra: Partial<Busy> = {}): Busy => ({ label: 'making subset s', kind: 'subset', started: 10_000, cancelling: false, ...extra });

test('the busy line: a spinner that turns with time, what runs, how far when known, how long, and how to stop it', () => {
  assert.equal(busyLine(busy(), 10_000), '⠋ making subset s · 0.0 s · esc cancels');
  assert.equal(busyLine(busy(), 11_250), '⠹ making subset s · 1.3 s · esc cancels');
  assert.equal(busyLine(busy({ label: 'exporting s as tree', kind: 'export', done: 1200, total: 5000 }), 12_100), '⠙ exporting s as tree 1,200 of 5,000 · 2.1 s · esc cancels');
  assert.equal(busyLine(busy({ cancelling: true }), 10_500), '⠴ cancelling making subset s…');
});

test('a cancel says what it left: nothing, or an export folder to export into again', () => {
  assert.equal(cancelledLine(busy()), 'cancelled making subset s: nothing of it was kept');
  assert.match(cancelledLine(busy({ kind: 'export', label: 'exporting s as tree' })), /^cancelled exporting s as tree: its folder may hold part of it/);
});

test('export folders: under --home unless absolute, never the working directory', () => {
  assert.equal(defaultExportFolder('/data/home', 'climbing'), '/data/home/exports/climbing');
  assert.equal(exportFolder('/data/home', 'lists/a'), '/data/home/lists/a');
  assert.equal(exportFolder('/data/home', ' /scratch/out '), '/scratch/out');
  assert.equal(exportFolder('/data/home', ''), '/data/home/exports');
});

test('a clip opens with the desktop opener only where there is a desktop: macOS, or Linux with a display', async () => {
  const { systemOpener } = await import('../../src/tui/open-file.js');
  assert.equal(systemOpener({}, 'darwin'), 'open');
  assert.equal(systemOpener({ DISPLAY: ':0' }, 'linux'), 'xdg-open');
  assert.equal(systemOpener({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux'), 'xdg-open');
  assert.equal(systemOpener({}, 'linux'), undefined, 'over ssh or in a console the path is given instead');
});
