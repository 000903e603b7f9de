// npm run cluster:start [-- --instances N]: primary + hot standby, N app instances (default 2), nginx in front.
// The last line of its output is `cluster ready: http://127.0.0.1:PORT` (nginx). `npm run cluster:stop` stops it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from '../cli.ts';
import { clientDistDir, projectRoot } from '../../server/paths.ts';
import { Cluster, STATE_FILE, isRunning, readState, removeState } from './cluster.ts';

const args = parseArgs(process.argv.slice(2));
const instances = Number(args.instances ?? process.env.CLUSTER_INSTANCES ?? 2);
const log = (line: string) => console.log(`cluster: ${line}`);

const previous = readState();
if (previous && isRunning(previous)) {
  console.error(`cluster: a cluster is already running (nginx on port ${previous.nginx.port}, data in ${previous.root}); stop it first: npm run cluster:stop`);
  process.exit(1);
}
if (previous) {
  // left over by a start that was killed: clean it up
  await new Cluster(previous, log).stop();
  removeState();
}

if (!existsSync(path.join(clientDistDir, 'index.html'))) {
  // the instances serve the built client (as npm start does)
  log('building the client (npm run build)');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) {
    console.error('cluster: the client build failed');
    process.exit(1);
  }
}

try {
  const cluster = await Cluster.start({ instances, log, stateFile: STATE_FILE });
  const { state } = cluster;
  log(`primary postgres://127.0.0.1:${state.primary.port}, standby postgres://127.0.0.1:${state.standby.port}`);
  log(`app instances on ports ${state.instances.map((i) => i.port).join(', ')}; logs and data in ${state.root}`);
  log('demo accounts (password demo-password): planner.laocai, reviewer.laocai, planner.bacninh, ministry, admin');
  console.log(`cluster ready: ${cluster.url}`);
} catch (err) {
  removeState();
  console.error(`cluster: could not start: ${(err as Error).message}`);
  process.exit(1);
}
