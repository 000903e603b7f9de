// The import boundaries of eslint.config.js fire: code that breaks them, linted as if it lived in server/domain or in
// the client, gets no-restricted-imports errors; the same imports are fine in the rest of the server.
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/paths.ts';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: projectRoot });
});

async function restricted(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint: import boundaries', () => {
  it('server/domain imports no node:*, Node built-in, express, pg or other server module', async () => {
    const file = 'server/domain/__lint-fixture__.ts';
    expect(await restricted(`import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n`, file)).toHaveLength(1);
    expect(await restricted(`import path from 'path';\nexport const p = path;\n`, file)).toHaveLength(1);
    expect(await restricted(`import express from 'express';\nexport const e = express;\n`, file)).toHaveLength(1);
    expect(await restricted(`import pg from 'pg';\nexport const p = pg;\n`, file)).toHaveLength(1);
    expect(await restricted(`export type { Database } from '../db/database.ts';\n`, file)).toHaveLength(1);
    // allowed: itself, pure libraries and the regulation data
    expect(await restricted(`export { areaHa } from './measure.ts';\nimport data from '../../gis-data/regulations/isolation-distances.json' with { type: 'json' };\nexport const d = data;\n`, file)).toEqual([]);
  });

  it('the client imports from the server only via @domain', async () => {
    const file = 'client/pages/__lint-fixture__.ts';
    const messages = await restricted(`import { AppError } from '../../server/errors.ts';\nexport const e = AppError;\n`, file);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/@domain/);
    expect(await restricted(`export { areaHa } from '../../server/domain/measure.ts';\n`, file)).toHaveLength(1);
    expect(await restricted(`import { createHash } from 'node:crypto';\nexport const h = createHash;\n`, file)).toHaveLength(1);
    expect(await restricted(`import pg from 'pg';\nexport const p = pg;\n`, file)).toHaveLength(1);
    expect(await restricted(`export { areaHa } from '@domain/measure.ts';\n`, file)).toEqual([]);
  });

  it('the rest of the server may use Node, express and pg', async () => {
    expect(await restricted(`import { readFileSync } from 'node:fs';\nimport express from 'express';\nimport pg from 'pg';\nexport const x = [readFileSync, express, pg];\n`, 'server/exchange/__lint-fixture__.ts')).toEqual([]);
  });
});
