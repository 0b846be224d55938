// The checked reads that cold code uses instead of `arr[i] as number` casts: a miss names itself.
import { describe, expect, it } from 'vitest';
import { at, defined } from '../src/data/checked.ts';

describe('at', () => {
  it('reads an element of an array or a typed array', () => {
    expect(at(['a', 'b', 'c'], 2)).toBe('c');
    expect(at(new Float64Array([0.5, 1.5]), 0)).toBe(0.5);
  });

  it('keeps an element that is itself undefined when the array allows it', () => {
    expect(at<string | undefined>([undefined, 'x'], 0)).toBeUndefined();
  });

  it('throws a RangeError naming the index and the length, never returns undefined', () => {
    const arr = new Uint32Array(3);
    expect(() => at(arr, 3)).toThrow(new RangeError('index 3 is outside [0, 3)'));
    expect(() => at(arr, -1)).toThrow(/^index -1 is outside \[0, 3\)$/);
    expect(() => at(arr, 1.5)).toThrow(/^index 1\.5 is outside/);
    expect(() => at([], 0)).toThrow(/^index 0 is outside \[0, 0\)$/);
  });
});

describe('defined', () => {
  it('passes a present value through, falsy ones included', () => {
    expect(defined(new Map([[1, 0]]).get(1), 'player 1')).toBe(0);
    expect(defined('', 'name')).toBe('');
    expect(defined(false, 'flag')).toBe(false);
  });

  it('throws naming what is missing, for undefined and for null', () => {
    expect(() => defined(new Map<number, number>().get(7), 'player 7')).toThrow(/^player 7 is missing$/);
    expect(() => defined(null, 'share after')).toThrow(/^share after is missing$/);
  });
});
