import { beforeEach, describe, expect, it } from 'vitest';
import type { RpcContext } from '../../src/rpc/context.js';
import { handle, handleText, type RpcResponse } from '../../src/rpc/handle.js';
import { encodeBody } from '../../src/rpc/shared-answers.js';
import { StatusTexts } from '../../src/rpc/status-texts.js';
import { answerChecks } from './answer-checks.js';
import { FakeService } from './fake-service.js';

const SECRET = 's3cret';
let service: FakeService;
let context: RpcContext;

beforeEach(() => {
  service = new FakeService();
  context = { service, secret: SECRET, downloadRoot: '/srv/dl', sessionId: 'ab'.repeat(20), version: '0.1.0', statuses: new StatusTexts() };
});

async function call(method: string, ...params: unknown[]): Promise<RpcResponse> {
  return (await handle({ id: 1, method, params: [`token:${SECRET}`, ...params] }, context)).body as RpcResponse;
}
const { ok, error } = answerChecks(call);
/** The message of an error answer, whose code must be 1. */
async function fails(method: string, ...params: unknown[]): Promise<string> {
  const e = await error(method, ...params);
  expect(e.code).toBe(1);
  return e.message;
}
describe('framing', () => {
  it('answers ids of any type unchanged, 0 and -1 included, and ignores the jsonrpc key', async () => {
    for (const id of [0, -1, 'x', null, { a: 1 }, [1]]) {
      const r = await handle({ id, 'json-rpc': '2.0', method: 'aria2.getVersion', params: [`token:${SECRET}`] }, context);
      expect(r.body).toMatchObject({ id, jsonrpc: '2.0', result: { version: '0.1.0' } });
      expect(r.status).toBe(200);
    }
    const r = await handle({ jsonrpc: 2.0, id: 5, method: 'aria2.getVersion', params: [`token:${SECRET}`] }, context);
    expect(r.body).toMatchObject({ id: 5, result: {} });
    expect(r.body).not.toHaveProperty('method');
  });

  it('missing id is -32600 (400), params not an array -32602 (500), bad JSON -32700 (500)', async () => {
    const noId = await handle({ method: 'aria2.getVersion' }, context);
    expect(noId.body).toEqual({ id: null, jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request.' } });
    expect(noId.status).toBe(400);
    const badParams = await handle({ id: 1, method: 'aria2.getVersion', params: {} }, context);
    expect(badParams.body).toEqual({ id: 1, jsonrpc: '2.0', error: { code: -32602, message: 'Invalid params.' } });
    expect(badParams.status).toBe(500);
    const bad = await handleText('{"id":1,', context);
    expect(bad.body).toEqual({ id: null, jsonrpc: '2.0', error: { code: -32700, message: 'Parse error.' } });
    expect(bad.status).toBe(500);
    for (const text of ['', '5', '"x"', 'null', 'true']) expect((await handleText(text, context)).status).toBeGreaterThanOrEqual(400);
  });

  it('missing params are [] and method failures are code 1 with HTTP 400', async () => {
    const r = await handle({ id: 1, method: 'system.listMethods' }, context);
    expect((r.body as { result: string[] }).result).toContain('aria2.addUri');
    const unknown = await handle({ id: 1, method: 'aria2.nope', params: [`token:${SECRET}`] }, context);
    expect(unknown.body).toMatchObject({ error: { code: 1, message: 'No such method: aria2.nope' } });
    expect(unknown.status).toBe(400);
    for (const name of ['__proto__', 'toString', 'constructor']) {
      expect((await handle({ id: 1, method: name, params: [`token:${SECRET}`] }, context)).body).toMatchObject({
        error: { message: `No such method: ${name}` },
      });
    }
  });

  it('a batch answers each object, skips non-objects, and is HTTP 200 even with errors', async () => {
    const r = await handle([1, 'x', null, { id: 'a', method: 'aria2.getGlobalStat', params: [`token:${SECRET}`] }, { id: 'b', method: 'aria2.nope' }], context);
    expect(r.status).toBe(200);
    const body = r.body as RpcResponse[];
    expect(body).toHaveLength(2);
    expect(body[0]).toMatchObject({ id: 'a', result: { numActive: '0' } });
    expect(body[1]).toMatchObject({ id: 'b', error: { code: 1, message: 'Unauthorized' } });
  });
});

describe('token', () => {
  it('a missing or wrong token is Unauthorized and flagged for the transport', async () => {
    for (const params of [[], ['token:wrong'], ['token:'], ['s3cret'], [`token:${SECRET}x`]]) {
      const r = await handle({ id: 1, method: 'aria2.getGlobalStat', params }, context);
      expect(r.body).toMatchObject({ error: { code: 1, message: 'Unauthorized' } });
      expect(r.unauthorized).toBe(true);
    }
    const good = await handle({ id: 1, method: 'aria2.getGlobalStat', params: [`token:${SECRET}`] }, context);
    expect(good.unauthorized).toBe(false);
  });

  it('listMethods and listNotifications need no token; the token param is stripped without a secret', async () => {
    for (const method of ['system.listMethods', 'system.listNotifications']) {
      expect((await handle({ id: 1, method, params: ['token:whatever'] }, context)).body).toHaveProperty('result');
    }
    context.secret = undefined;
    // As a client reads it: the list is already encoded.
    const onWire = async (params: unknown[]) => JSON.parse(encodeBody((await handle({ id: 1, method: 'aria2.tellActive', params }, context)).body));
    expect(await onWire(['token:x'])).toMatchObject({ result: [] });
    expect(await onWire([])).toMatchObject({ result: [] });
  });
});

describe('multicall', () => {
  it('wraps successes in [value], failures bare, refuses nesting, each call with its own token', async () => {
    const r = await handle(
      {
        id: 1,
        method: 'system.multicall',
        params: [
          [
            { methodName: 'system.multicall', params: [[]] },
            { methodName: 'aria2.getGlobalStat', params: [`token:${SECRET}`] },
            { methodName: 'aria2.getGlobalStat', params: [] },
            5,
            { params: [] },
            { methodName: 'aria2.tellStatus', params: [`token:${SECRET}`, '0123456789abcdef'] },
          ],
        ],
      },
      context,
    );
    expect(r.body).toMatchObject({
      id: 1,
      result: [
        { code: 1, message: 'Recursive system.multicall forbidden.' },
        [{ numActive: '0', numWaiting: '0' }],
        { code: 1, message: 'Unauthorized' },
        { code: 1, message: 'system.multicall expected struct.' },
        { code: 1, message: 'Missing methodName.' },
        { code: 1, message: 'GID 0123456789abcdef is not found' },
      ],
    });
    expect(r.unauthorized).toBe(true);
  });

  it('adds through multicall', async () => {
    const r = (await ok('system.multicall', [{ methodName: 'aria2.addUri', params: [`token:${SECRET}`, ['http://h/x']] }])) as string[][];
    expect(r[0][0]).toMatch(/^[0-9a-f]{16}$/);
    expect(service.queue).toEqual([r[0][0]]);
  });
});

describe('params', () => {
  it("aria2's texts for missing, mistyped and out-of-range params", async () => {
    expect(await fails('aria2.tellStatus')).toBe('The parameter at 0 is required but missing.');
    expect(await fails('aria2.tellStatus', 5)).toBe('The parameter at 0 has wrong type.');
    expect(await fails('aria2.addUri', 'http://h/x')).toBe('The parameter at 0 has wrong type.');
    expect(await fails('aria2.addUri', ['http://h/x'], {}, 'x')).toBe('The parameter at 2 has wrong type.');
    expect(await fails('aria2.tellWaiting', '0', 1)).toBe('The parameter at 0 has wrong type.');
    expect(await fails('aria2.tellWaiting', 0, 1.5)).toBe('The parameter at 1 has wrong type.');
    expect(await fails('aria2.tellWaiting', 1, -2)).toBe('The integer parameter at 1 has invalid value: the value must be greater than or equal to 0.');
    expect(await fails('aria2.tellStatus', 'zz')).toBe('Invalid GID zz');
    expect(await fails('aria2.tellStatus', '0123456789abcdef')).toBe('GID 0123456789abcdef is not found');
    expect(await fails('aria2.tellStatus', '0123456789abcdef', 'gid')).toBe('The parameter at 1 has wrong type.');
    expect(await fails('aria2.addUri', [])).toBe('No URI to download.');
    expect(await fails('aria2.addUri', ['file:///etc/passwd'])).toMatch(/unsupported URL scheme/);
  });
});

describe('durability', () => {
  it('a message that changes state is answered after one sync, whatever its size; reads need none', async () => {
    await ok('aria2.getGlobalStat');
    await ok('aria2.tellWaiting', 0, 10);
    expect(service.durableCalls).toBe(0);
    await ok('aria2.addUri', ['http://h/a']);
    expect(service.durableCalls).toBe(1);
    const add = (u: string) => ({ methodName: 'aria2.addUri', params: [`token:${SECRET}`, [u]] });
    await ok('system.multicall', [add('http://h/b'), add('http://h/c'), add('http://h/d')]);
    expect(service.durableCalls).toBe(2);
    const batch = await handle(
      ['e', 'f'].map((x, i) => ({ id: i, method: 'aria2.addUri', params: [`token:${SECRET}`, [`http://h/${x}`]] })),
      context,
    );
    expect((batch.body as RpcResponse[]).every((r) => 'result' in r)).toBe(true);
    expect(service.durableCalls).toBe(3);
    // A call refused by the token check changed nothing.
    await handle({ id: 1, method: 'aria2.addUri', params: ['token:wrong', ['http://h/x']] }, context);
    expect(service.durableCalls).toBe(3);
  });

  it('a failed sync turns the answers into errors: nothing is acknowledged that a power cut could undo', async () => {
    service.durable = async () => {
      throw new Error('state database: EIO');
    };
    const r = await call('aria2.addUri', ['http://h/a']);
    expect(r).toMatchObject({ id: 1, error: { code: 1, message: 'state database: EIO' } });
    expect((await call('aria2.getVersion')) as object).toHaveProperty('result');
  });
});
