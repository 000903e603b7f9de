// npm run cluster:stop: stops everything `npm run cluster:start` started (nginx, app instances, standby,
// primary) and removes its temporary folder.
import { Cluster, readState, removeState } from './cluster.ts';

const state = readState();
if (!state) {
  console.log('cluster: no cluster is running (nothing recorded in .cluster/state.json)');
  process.exit(0);
}
const problems: string[] = [];
await new Cluster(state, (line) => problems.push(line)).stop();
removeState();
for (const p of problems) console.error(`cluster: ${p}`);
console.log(`cluster stopped: nginx on port ${state.nginx.port}, ${state.instances.length} app instance(s), standby and primary; removed ${state.root}`);
