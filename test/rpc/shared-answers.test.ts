import { beforeEach, describe, expect, it } from 'vitest';
import type { RpcContext } from '../../src/rpc/context.js';
import { handle } from '../../src/rpc/handle.js';
import { EncodedResult, encodeBody, SharedAnswers } from '../../src/rpc/shared-answers.js';
import { StatusTexts } from '../../src/rpc/status-texts.js';
import { FakeService } from './fake-service.js';

const SECRET = 's3cret';
let service: FakeService;
let clock: { t: number };
let context: RpcContext;
let waitingCalls: number;

beforeEach(() => {
  service = new FakeService();
  clock = { t: 1000 };
  waitingCalls = 0;
  const waiting = service.waiting.bind(service);
  service.waiting = (offset, num) => {
    waitingCalls++;
    return waiting(offset, num);
  };
  context = {
    service,
    secret: SECRET,
    downloadRoot: '/srv/dl',
    sessionId: 'ab'.repeat(20),
    version: '0.1.0',
    shared: new SharedAnswers(() => clock.t, 100),
    statuses: new StatusTexts(),
  };
});

const request = (id: unknown, method: string, ...params: unknown[]) => ({ id, method, params: [`token:${SECRET}`, ...params] });
const text = async (id: unknown, method: string, ...params: unknown[]) => encodeBody((await handle(request(id, method, ...params), context)).body);

describe('shared answers of identical reads', () => {
  it('build a read once within the window; the text is what a plain encoding gives, with each id spliced in', async () => {
    for (let i = 0; i < 3; i++) await handle(request(1, 'aria2.addUri', [`http://h/${i}`], { pause: 'true' }), context);
    const first = await text(7, 'aria2.tellWaiting', 0, 1000);
    for (const id of [0, 'x', null, { a: 1 }]) {
      const again = await text(id, 'aria2.tellWaiting', 0, 1000);
      expect(JSON.parse(again)).toEqual({ ...JSON.parse(first), id });
    }
    expect(waitingCalls).toBe(1);
    // The same answer without sharing, encoded plainly, is the same text.
    const plain = await handle(request(7, 'aria2.tellWaiting', 0, 1000), { ...context, shared: undefined });
    expect(first).toBe(JSON.stringify(plain.body));
    // Other params are another question (the plain call above built its own too).
    await text(8, 'aria2.tellWaiting', 0, 2);
    expect(waitingCalls).toBe(3);
  });

  it('a change (any non-read call) or the end of the window gives a fresh answer', async () => {
    const gid = (await handle(request(1, 'aria2.addUri', ['http://h/a']), context)).body as { result: string };
    await text(2, 'aria2.tellWaiting', 0, 10);
    await handle(request(3, 'aria2.pause', gid.result), context);
    const after = JSON.parse(await text(4, 'aria2.tellWaiting', 0, 10)) as { result: { status: string }[] };
    expect(waitingCalls).toBe(2);
    expect(after.result[0]?.status).toBe('paused');
    clock.t += 101;
    await text(5, 'aria2.tellWaiting', 0, 10);
    expect(waitingCalls).toBe(3);
  });

  it('inside a multicall a shared answer is a plain value', async () => {
    await text(1, 'aria2.tellWaiting', 0, 10);
    const r = (await handle(request(2, 'system.multicall', [{ methodName: 'aria2.tellWaiting', params: [`token:${SECRET}`, 0, 10] }]), context)).body as {
      result: unknown[][];
    };
    expect(r.result[0][0]).not.toBeInstanceOf(EncodedResult);
    expect(Array.isArray(r.result[0][0])).toBe(true);
    expect(JSON.parse(encodeBody(r))).toEqual(JSON.parse(JSON.stringify(r)));
  });
});
