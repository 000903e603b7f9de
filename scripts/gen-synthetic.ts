// npm run gen:synthetic -- --clusters N --residential M --seed S
// Fills the configured database (embedded DATA_DIR or DATABASE_URL) with a deterministic synthetic dataset.
import { parseArgs, withDatabase } from './cli.ts';
import { generateSynthetic } from '../server/analysis/synthetic.ts';
import { TilesService } from '../server/tiles/tiles.service.ts';

const args = parseArgs(process.argv.slice(2));
const int = (name: string, fallback: number) => {
  const v = args[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v === true || !Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer`);
    process.exit(2);
  }
  return n;
};
const options = { clusters: int('clusters', 200), residential: int('residential', 10_000), seed: int('seed', 1) };

await withDatabase('gen:synthetic', async (db) => {
  let last = 0;
  const result = await generateSynthetic(db, {
    ...options,
    onProgress: ({ stage, done, total }) => {
      const now = Date.now();
      if (now - last > 1000 || done === total) {
        last = now;
        process.stdout.write(`${stage}: ${done}/${total}\n`);
      }
    },
  });
  // collected z11 tile cells (sql/044); the server would otherwise build them one by one on first use
  if (db.capabilities.mvt) console.log(`z11 tile cells built: ${await new TilesService(db).buildStaleCells()}`);
  console.log(
    result.reused
      ? `synthetic dataset seed ${result.seed} already present (${result.clusters} clusters, ${result.residential} residential zones)`
      : `synthetic dataset seed ${result.seed}: ${result.clusters} clusters, ${result.residential} residential zones in ${(result.ms / 1000).toFixed(1)} s`,
  );
});
