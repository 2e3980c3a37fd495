/** A JSON-RPC error with aria2's code and text. Methods fail with code 1 (aria2's usage). */
export class RpcError extends Error {
  readonly code: number;

  constructor(message: string, code = 1) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
  }
}

/** JSON-RPC 2.0 codes aria2 answers with, and their texts. */
export const PARSE_ERROR = { code: -32700, message: 'Parse error.' } as const;
export const INVALID_REQUEST = { code: -32600, message: 'Invalid Request.' } as const;
export const INVALID_PARAMS = { code: -32602, message: 'Invalid params.' } as const;
export const UNAUTHORIZED = 'Unauthorized';
