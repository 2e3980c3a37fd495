/**
 * The writer half of the crash test: opens the store named by argv[2] and changes it in a tight
 * loop until it is killed. Before each change it prints what it is about to do (`add GID POS`,
 * `move GID POS`, `active GID`, `done GID`), and `ok` once the change returned (was committed). Lines are
 * written with writeSync, so an `ok` on the pipe means the commit happened before it.
 */
import { writeSync } from 'node:fs';
import { newGid } from '../../src/store/gid.js';
import { openStore } from '../../src/store/open-store.js';
import { crashOptions, crashUris } from './crash-shapes.js';

const store = openStore(process.argv[2]);
const order = store.queue().map((d) => d.gid);
const say = (line: string) => writeSync(1, `${line}\n`);
say('ready');

const pick = (n: number) => Math.floor(Math.random() * n);
for (;;) {
  const r = Math.random();
  if (order.length > 0 && r < 0.15) {
    const gid = order[pick(order.length)];
    const to = pick(order.length + 2);
    say(`move ${gid} ${to}`);
    const at = store.move(gid, to) as number;
    order.splice(order.indexOf(gid), 1);
    order.splice(at, 0, gid);
  } else if (order.length > 0 && r < 0.22) {
    const gid = order[pick(order.length)];
    say(`done ${gid}`);
    store.setStatus(gid, 'complete', { completedBytes: 1, totalBytes: 1 });
    order.splice(order.indexOf(gid), 1);
  } else if (order.length > 0 && r < 0.3) {
    const gid = order[pick(order.length)];
    say(`active ${gid}`);
    store.setStatus(gid, 'active');
  } else {
    const gid = newGid();
    const to = r < 0.6 ? order.length : pick(order.length + 1);
    say(`add ${gid} ${to}`);
    store.add({ gid, uris: crashUris(gid), options: crashOptions(gid) }, to);
    order.splice(to, 0, gid);
  }
  say('ok');
}
