/** The part of the npm `aria2` client (it ships no types) that the interoperability tests use. */
declare module 'aria2' {
  import { EventEmitter } from 'node:events';

  interface Aria2Options {
    host?: string;
    port?: number;
    secure?: boolean;
    secret?: string;
    path?: string;
  }

  class Aria2 extends EventEmitter {
    constructor(options?: Aria2Options);
    open(): Promise<void>;
    close(): Promise<void>;
    /** The result is whatever the server answers: `T` is the caller's expectation. */
    call<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
    multicall(calls: unknown[][]): Promise<unknown[][]>;
    listNotifications(): Promise<string[]>;
    listMethods(): Promise<string[]>;
  }

  export default Aria2;
}
