/** `npm test` says in one line when the native-driver suites are skipped (vitest globalSetup, TEST_DATABASE_URL unset). */
import { afterEach, expect, it, vi } from 'vitest';
import setup, { NATIVE_SKIPPED_NOTICE } from '../setup/global-setup.ts';

const saved = process.env.TEST_DATABASE_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.TEST_DATABASE_URL;
  else process.env.TEST_DATABASE_URL = saved;
  vi.restoreAllMocks();
});

async function printed(): Promise<string[]> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  const provided: Record<string, unknown> = {};
  await setup({ provide: (key: string, value: unknown) => (provided[key] = value) } as never);
  vi.restoreAllMocks();
  expect(provided.embeddedTemplatePath).toEqual(expect.any(String));
  return lines.filter((l) => l.includes('TEST_DATABASE_URL'));
}

it('prints one line naming TEST_DATABASE_URL when it is unset', { timeout: 180_000 }, async () => {
  delete process.env.TEST_DATABASE_URL;
  const lines = await printed();
  expect(lines).toEqual([`${NATIVE_SKIPPED_NOTICE}\n`]);
  expect(NATIVE_SKIPPED_NOTICE).toMatch(/native PostGIS suites are skipped/);
});

it.runIf(!!saved)('prints nothing of the kind when it is set', { timeout: 180_000 }, async () => {
  expect(await printed()).toEqual([]);
});
