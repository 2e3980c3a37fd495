import { describe, expect, it } from 'vitest';
import {
  dateToFtpTime,
  ftpTimeToHttpDate,
  parseEpsvPort,
  parseFeatures,
  parseFtpReplies,
  parseMlst,
  parsePasv,
  parseSizeReply,
} from '../../src/core/ftp-reply.js';

describe('parseFtpReplies', () => {
  it('splits single-line replies and keeps a partial line', () => {
    const { replies, rest } = parseFtpReplies('220 ready\r\n331 Please specify\r\n23');
    expect(replies.map((r) => [r.code, r.message])).toEqual([
      [220, 'ready'],
      [331, 'Please specify'],
    ]);
    expect(rest).toBe('23');
  });

  it('joins a multi-line reply up to the line with the same code and a space', () => {
    const text = '211-Features:\r\n SIZE\r\n 211-not the end\r\n211 End\r\n200 next\r\n';
    const { replies, rest } = parseFtpReplies(text);
    expect(replies).toHaveLength(2);
    expect(replies[0].code).toBe(211);
    expect(replies[0].lines).toEqual(['211-Features:', ' SIZE', ' 211-not the end', '211 End']);
    expect(replies[0].message).toBe('End');
    expect(replies[1].code).toBe(200);
    expect(rest).toBe('');
  });

  it('waits for the end of an unfinished multi-line reply', () => {
    const first = parseFtpReplies('250-Listing\r\n type=file; f\r\n');
    expect(first.replies).toEqual([]);
    const second = parseFtpReplies(`${first.rest}250 End\r\n`);
    expect(second.replies[0].lines).toHaveLength(3);
  });

  it('accepts bare codes and LF-only line ends', () => {
    const { replies } = parseFtpReplies('200\n226-a\n226\n');
    expect(replies.map((r) => r.code)).toEqual([200, 226]);
  });

  it('reports garbage as code 0', () => {
    expect(parseFtpReplies('hello\r\n').replies[0]).toEqual({ code: 0, lines: ['hello'], message: 'hello' });
  });
});

describe('passive replies', () => {
  it('reads the EPSV port', () => {
    expect(parseEpsvPort('Entering Extended Passive Mode (|||6446|)')).toBe(6446);
    expect(parseEpsvPort('Entering Extended Passive Mode (!!!1!)')).toBe(1);
    expect(parseEpsvPort('Entering Extended Passive Mode (|||0|)')).toBeUndefined();
    expect(parseEpsvPort('Entering Extended Passive Mode (|||70000|)')).toBeUndefined();
    expect(parseEpsvPort('no port here')).toBeUndefined();
  });

  it('reads the PASV address and port, with or without parentheses', () => {
    expect(parsePasv('Entering Passive Mode (10,0,0,1,195,80).')).toEqual({ host: '10.0.0.1', port: 195 * 256 + 80 });
    expect(parsePasv('Entering Passive Mode 127,0,0,1,0,21')).toEqual({ host: '127.0.0.1', port: 21 });
    expect(parsePasv('Entering Passive Mode (256,0,0,1,1,1)')).toBeUndefined();
    expect(parsePasv('Entering Passive Mode (1,2,3,4,0,0)')).toBeUndefined();
    expect(parsePasv('nothing')).toBeUndefined();
  });
});

describe('parseFeatures', () => {
  it('maps feature names to parameters', () => {
    const [reply] = parseFtpReplies('211-Features:\r\n MDTM\r\n REST STREAM\r\n mlst type*;size*;\r\n UTF8\r\n211 End\r\n').replies;
    const f = parseFeatures(reply);
    expect([...f.keys()]).toEqual(['MDTM', 'REST', 'MLST', 'UTF8']);
    expect(f.get('REST')).toBe('STREAM');
    expect(f.get('MLST')).toBe('type*;size*;');
  });

  it('is empty for a refused FEAT', () => {
    const [reply] = parseFtpReplies('502 Not implemented\r\n').replies;
    expect(parseFeatures(reply).size).toBe(0);
  });
});

describe('sizes and times', () => {
  it('parses SIZE replies strictly', () => {
    expect(parseSizeReply('0')).toBe(0);
    expect(parseSizeReply('1')).toBe(1);
    expect(parseSizeReply('4294967297')).toBe(4294967297);
    expect(parseSizeReply('12abc')).toBeUndefined();
    expect(parseSizeReply('-1')).toBeUndefined();
    expect(parseSizeReply('')).toBeUndefined();
  });

  it('converts RFC 3659 times to HTTP dates and back', () => {
    expect(ftpTimeToHttpDate('20240102030405')).toBe('Tue, 02 Jan 2024 03:04:05 GMT');
    expect(ftpTimeToHttpDate('20240102030405.123')).toBe('Tue, 02 Jan 2024 03:04:05 GMT');
    expect(ftpTimeToHttpDate('20241302030405')).toBeUndefined();
    expect(ftpTimeToHttpDate('2024010203')).toBeUndefined();
    const d = new Date(Date.UTC(1999, 11, 31, 23, 59, 58));
    expect(dateToFtpTime(d)).toBe('19991231235958');
    expect(ftpTimeToHttpDate(dateToFtpTime(d))).toBe(d.toUTCString());
  });
});

describe('parseMlst', () => {
  it('reads type, size and modify facts', () => {
    const [reply] = parseFtpReplies('250-Listing /a b\r\n Type=file;Size=123;Modify=20240102030405;Perm=r; /a b\r\n250 End\r\n').replies;
    expect(parseMlst(reply)).toEqual({ type: 'file', size: 123, lastModified: 'Tue, 02 Jan 2024 03:04:05 GMT' });
  });

  it('reads a directory', () => {
    const [reply] = parseFtpReplies('250-x\r\n type=dir;modify=20240102030405; /d\r\n250 End\r\n').replies;
    expect(parseMlst(reply)?.type).toBe('dir');
  });

  it('gives undefined without a fact line', () => {
    const [reply] = parseFtpReplies('250 ok\r\n').replies;
    expect(parseMlst(reply)).toBeUndefined();
  });
});
