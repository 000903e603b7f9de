import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { buildIsCurrent, clientInputsDigest, DIGEST_FILE } from '../../scripts/build-client.ts';

it('npm start rebuilds the client only when its inputs changed', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ca-build-'));
  mkdirSync(path.join(root, 'client'));
  mkdirSync(path.join(root, 'server/domain'), { recursive: true });
  writeFileSync(path.join(root, 'client/main.tsx'), 'export {}');
  writeFileSync(path.join(root, 'server/domain/rule.ts'), 'export const a = 1;');
  const first = clientInputsDigest(root);
  expect(clientInputsDigest(root)).toBe(first);

  const dist = path.join(root, 'dist');
  mkdirSync(dist);
  expect(buildIsCurrent(first, dist)).toBe(false); // never built
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html>');
  writeFileSync(path.join(dist, DIGEST_FILE), `${first}\n`);
  expect(buildIsCurrent(first, dist)).toBe(true);

  // a shared rule the client imports counts as an input
  writeFileSync(path.join(root, 'server/domain/rule.ts'), 'export const a = 2;');
  const second = clientInputsDigest(root);
  expect(second).not.toBe(first);
  expect(buildIsCurrent(second, dist)).toBe(false);
  writeFileSync(path.join(root, 'client/new.css'), 'a{}');
  expect(clientInputsDigest(root)).not.toBe(second);
});
