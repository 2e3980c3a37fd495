import { describe, expect, it } from 'vitest';
import { describeError } from '../../web/src/lib/aria2-errors.js';
import { etaSeconds, formatPercent, num, parseSizeInput, progressFraction } from '../../web/src/lib/format.js';
import { chartPoints, pushSample } from '../../web/src/lib/speed-history.js';
import { visibleWindow } from '../../web/src/lib/visible-window.js';

describe('percent, fraction and ETA', () => {
  it.each([
    [0, 0, '--'],
    [0, 1, '0%'],
    [1, 1, '100%'],
    [999, 1000, '99%'],
    [1000, 1000, '100%'],
    [1500, 1000, '100%'],
    [5, Number.NaN, '--'],
  ])('formatPercent(%d, %d) = %s', (done, total, text) => {
    expect(formatPercent(done, total)).toBe(text);
  });

  it('never shows 100% before the last byte', () => {
    expect(formatPercent(2 ** 40 - 1, 2 ** 40)).toBe('99%');
  });

  it('clamps the bar to 0..1 and is 0 for an unknown size', () => {
    expect(progressFraction(5, 0)).toBe(0);
    expect(progressFraction(50, 100)).toBe(0.5);
    expect(progressFraction(200, 100)).toBe(1);
    expect(progressFraction(-1, 100)).toBe(0);
  });

  it('has no ETA without a total or a speed', () => {
    expect(etaSeconds(0, 0, 100)).toBeUndefined();
    expect(etaSeconds(0, 100, 0)).toBeUndefined();
    expect(etaSeconds(50, 150, 10)).toBe(10);
    expect(etaSeconds(200, 150, 10)).toBe(0);
  });

  it('reads aria2 string numbers and nothing else', () => {
    expect(num('1234')).toBe(1234);
    expect(num(undefined)).toBe(0);
    expect(num('x')).toBe(0);
    expect(num(7)).toBe(7);
  });
});

describe('parseSizeInput', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['500K', 512_000],
    ['2M', 2 * 1024 * 1024],
    ['1.5 MiB', 1.5 * 1024 * 1024],
    ['1g', 1024 ** 3],
    [' 10kb ', 10_240],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseSizeInput(text)).toBe(bytes);
  });
  it.each(['', 'fast', '-1', '2X', '1..2M'])('%j is not a size', (text) => {
    expect(parseSizeInput(text)).toBeUndefined();
  });
});

describe('describeError', () => {
  it('says the code in words and adds what the server said', () => {
    expect(describeError('3', 'Resource not found')).toBe('Not found on the server: Resource not found');
    expect(describeError('9', '')).toBe('Not enough disk space');
    expect(describeError('2', 'timed out')).toBe('Timed out');
  });
  it('falls back to the message, then the code', () => {
    expect(describeError('99', 'odd')).toBe('odd');
    expect(describeError('99', undefined)).toBe('Failed (code 99)');
    expect(describeError(undefined, undefined)).toBe('Failed (code ?)');
  });
});

describe('speed history', () => {
  it('keeps the newest samples, oldest first', () => {
    let s: number[] = [];
    for (let i = 1; i <= 5; i++) s = pushSample(s, i, 3);
    expect(s).toEqual([3, 4, 5]);
    expect(pushSample([], Number.NaN, 3)).toEqual([0]);
    expect(pushSample([], -5, 3)).toEqual([0]);
  });
  it('draws the newest sample at the right edge and the peak at the top', () => {
    expect(chartPoints([0, 2048], 3, 100, 10)).toBe('50.0,10.0 100.0,0.0');
    // Below the floor the line stays low: idle noise does not fill the chart.
    expect(chartPoints([512], 2, 100, 10, 1024)).toBe('100.0,5.0');
    expect(chartPoints([], 60, 100, 10)).toBe('');
  });
});

describe('visibleWindow', () => {
  it('renders only the rows near the viewport, padding the rest', () => {
    const w = visibleWindow(1000, 80, 8000, 800, 5);
    expect(w).toEqual({ first: 95, last: 115, padTop: 95 * 80, padBottom: (1000 - 115) * 80 });
  });
  it('keeps the total height whatever the scroll position', () => {
    for (const top of [0, 37, 4000, 79_999, 10 ** 7]) {
      const w = visibleWindow(1000, 80, top, 700);
      expect(w.padTop + (w.last - w.first) * 80 + w.padBottom).toBe(80_000);
      expect(w.last).toBeGreaterThan(w.first);
    }
  });
  it('handles empty and one-row lists', () => {
    expect(visibleWindow(0, 80, 0, 800)).toEqual({ first: 0, last: 0, padTop: 0, padBottom: 0 });
    expect(visibleWindow(1, 80, 0, 800)).toEqual({ first: 0, last: 1, padTop: 0, padBottom: 0 });
  });
});
